//! The rubric: points per question and the shares and levels the checks use, with defaults
//! (`--print-rubric` prints them; `--rubric FILE.toml` overrides any of them).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Points and levels of the grading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Rubric {
    /// A curve earns full points when at least this share of its points is within tolerance;
    /// below it, that share of the points (partial credit). In (0, 1].
    pub pass_share: f64,
    /// Level of the tests for random results (the networks' restarts): a student's results
    /// are consistent with the key's when the test's p-value is at least this. In (0, 0.5).
    pub significance: f64,
    /// Points per question id.
    pub points: BTreeMap<String, f64>,
}

impl Default for Rubric {
    fn default() -> Self {
        let points = [
            ("fire", 5.0),
            ("lif_fi", 10.0),
            ("qif_fi", 15.0),
            ("fit", 10.0),
            ("qif_analytic", 15.0),
            ("hh_fi", 10.0),
            ("cs_fi", 10.0),
            ("excitability", 10.0),
            ("mlp", 15.0),
            ("networks", 10.0),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        Rubric {
            pass_share: 0.9,
            significance: 0.01,
            points,
        }
    }
}

impl Rubric {
    /// The points of question `id` (0 for a question the rubric leaves out).
    pub fn points(&self, id: &str) -> f64 {
        self.points.get(id).copied().unwrap_or(0.0)
    }

    /// Reads a rubric file over the defaults and checks it; the error names the key.
    pub fn from_toml(text: &str) -> Result<Rubric, String> {
        let r: Rubric = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        if !(r.pass_share > 0.0 && r.pass_share <= 1.0) {
            return Err(format!(
                "rubric key `pass_share` = {}: must be in (0, 1]",
                r.pass_share
            ));
        }
        if !(r.significance > 0.0 && r.significance < 0.5) {
            return Err(format!(
                "rubric key `significance` = {}: must be in (0, 0.5)",
                r.significance
            ));
        }
        for (k, v) in &r.points {
            if !super::key::QUESTIONS.iter().any(|q| q.id == k) {
                return Err(format!("rubric key `points.{k}`: no such question"));
            }
            if !(v.is_finite() && *v >= 0.0 && *v <= 1000.0) {
                return Err(format!(
                    "rubric key `points.{k}` = {v}: must be in [0, 1000]"
                ));
            }
        }
        Ok(r)
    }

    /// The rubric as TOML, for `--print-rubric`.
    pub fn to_toml(&self) -> String {
        let mut text = String::from(
            "# neuroreport grade rubric. Save as FILE.toml, keep what you change, and pass\n\
             # --rubric FILE.toml. pass_share: share of a curve's points within tolerance for\n\
             # full marks (partial credit below); significance: level of the test of the\n\
             # networks' restarts against the key's.\n",
        );
        text.push_str(&toml::to_string(self).expect("a rubric always serialises"));
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_rubric_round_trips_and_covers_every_question() {
        let r = Rubric::default();
        assert_eq!(Rubric::from_toml(&r.to_toml()).unwrap(), r);
        for q in super::super::key::QUESTIONS {
            assert!(r.points(q.id) > 0.0, "{}", q.id);
        }
        assert!(
            Rubric::from_toml("pass_share = 2.0")
                .unwrap_err()
                .contains("pass_share")
        );
        assert!(
            Rubric::from_toml("[points]\nnope = 1.0")
                .unwrap_err()
                .contains("points.nope")
        );
    }
}
