//! `neuroreport grade`: marks students' submissions against the key, computed with the
//! homework's models at exactly the inputs each student submitted.
//!
//! A submission is a folder of CSV files, one per question, and `answers.toml` for the
//! categorical answers ([`submission`], format [`FORMAT_VERSION`]); a report folder written by
//! neuroreport is one too. Each curve is compared point by point with the key at the
//! student's own inputs ([`key`]) within a tolerance that comes from the science (one spike
//! per run length between correct counting methods, the Euler run's computed grid error, 1e-6
//! relative for a formula), with partial credit; when a curve fails, the curves the usual
//! mistakes produce are computed too and the closest is named. Random results (the networks'
//! restarts) are judged by a test of consistency with the key's distribution, never by
//! equality with our seeds. Points and tolerances are a [`rubric::Rubric`]. Outputs
//! ([`outputs`]): per student a feedback page and a Gradescope `results.json`, a
//! `gradebook.csv`, and a summary page.

pub mod key;
pub mod outputs;
pub mod rubric;
pub mod submission;

use crate::config::Config;
use crate::error::Error;
use key::Key;
use rubric::Rubric;
use serde::Serialize;
use std::path::Path;
use submission::Submission;

/// The version of the submission format this grader reads.
pub const FORMAT_VERSION: u32 = 1;

/// How one question went for one student.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionResult {
    /// The question's id, e.g. `lif_fi`.
    pub id: &'static str,
    /// Its title, e.g. `1.2 LIF F-I curve`.
    pub title: &'static str,
    /// Points earned.
    pub score: f64,
    /// Points possible.
    pub max_score: f64,
    /// What the student should read: the verdict, the evidence, the tolerance and why.
    pub feedback: String,
    /// The diagnosed mistake, if any.
    pub mistake: Option<String>,
    /// For a curve: (input, student's value, key's value, tolerance) per point.
    pub points: Vec<[f64; 4]>,
}

impl QuestionResult {
    /// No points: the question's file could not be used, for the reason in `message`.
    pub fn unreadable(q: &key::Question, max_score: f64, message: String) -> QuestionResult {
        QuestionResult {
            id: q.id,
            title: q.title,
            score: 0.0,
            max_score,
            feedback: message,
            mistake: None,
            points: Vec::new(),
        }
    }
}

/// One student's grade.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudentResult {
    /// The submission folder's name.
    pub student: String,
    /// Every question of the rubric, in its order.
    pub questions: Vec<QuestionResult>,
}

impl StudentResult {
    /// The total score.
    pub fn score(&self) -> f64 {
        self.questions.iter().map(|q| q.score).sum()
    }
    /// The total possible.
    pub fn max_score(&self) -> f64 {
        self.questions.iter().map(|q| q.max_score).sum()
    }
}

/// Grades one submission folder: every question is graded on its own; a file that cannot be
/// read gets 0 points and a message naming it, and the others are still graded.
pub fn grade_one(dir: &Path, key: &Key, rubric: &Rubric) -> StudentResult {
    let student = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string());
    let sub = Submission::open(dir);
    StudentResult {
        student,
        questions: key::QUESTIONS
            .iter()
            .map(|q| (q.grade)(&sub, key, rubric))
            .collect(),
    }
}

/// Grades every folder of `dirs` in parallel (results in the order given) against the key of
/// `cfg`, computed once; the key's curves at each student's inputs are computed as they come.
pub fn grade_all(
    dirs: &[&Path],
    cfg: &Config,
    rubric: &Rubric,
) -> Result<Vec<StudentResult>, Error> {
    Ok(grade_with(&Key::new(cfg)?, dirs, rubric))
}

/// Grades every folder of `dirs` in parallel against `key` (results in the order given).
///
/// The students are graded on plain threads, not rayon's: a student whose key is being
/// computed by another waits for it (the key is computed once per input set), and that
/// computation runs its own parallel work on rayon's pool. A rayon worker waiting there would
/// run other queued jobs meanwhile, among them a student's that waits for the same key on the
/// same thread: a deadlock. Plain threads block without taking jobs, and rayon's workers
/// never wait for a key.
pub fn grade_with(key: &Key, dirs: &[&Path], rubric: &Rubric) -> Vec<StudentResult> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<StudentResult>>> =
        dirs.iter().map(|_| Mutex::new(None)).collect();
    let threads = crate::par::threads().clamp(1, dirs.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(dir) = dirs.get(k) else { break };
                    let r = grade_one(dir, key, rubric);
                    *results[k].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every student was graded")
        })
        .collect()
}

/// Grades `dirs` and writes the outputs into `out` with the report's folder safety (only a
/// folder the grader wrote is replaced, atomically). `out` may not be inside a submission,
/// nor a submission inside `out`. Returns the results and how many folders could not be read
/// at all (missing, or not a folder): those are graded with 0 points.
pub fn write_grades(
    dirs: &[&Path],
    cfg: &Config,
    rubric: &Rubric,
    out: &Path,
    warn: &dyn Fn(&str),
) -> Result<(Vec<StudentResult>, usize), Error> {
    let out = &crate::output::target_path(out)?;
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let out_abs = absolute(out);
    for d in dirs {
        let d_abs = absolute(d);
        if out_abs.starts_with(&d_abs) || d_abs.starts_with(&out_abs) {
            return Err(Error::Target {
                path: out.display().to_string(),
                problem: format!(
                    "is inside the submission {} (or holds it); grades are written beside the \
                     submissions, never into one",
                    d.display()
                ),
            });
        }
    }
    crate::output::check_target(out)?;
    let _lock = crate::output::lock_target(out)?;
    crate::output::recover(out, warn)?;
    crate::output::check_target(out)?;
    let unreadable = dirs.iter().filter(|d| !d.is_dir()).count();
    let results = grade_all(dirs, cfg, rubric)?;
    crate::output::write_report(out, &outputs::files(&results), warn)?;
    Ok((results, unreadable))
}

/// Writes the empty submission kit into `dir` (a new or empty folder, or a kit written before
/// and not edited since).
pub fn write_template(dir: &Path, warn: &dyn Fn(&str)) -> Result<(), Error> {
    let dir = &crate::output::target_path(dir)?;
    crate::output::check_target(dir)?;
    let _lock = crate::output::lock_target(dir)?;
    crate::output::recover(dir, warn)?;
    let mut files = outputs::template();
    let manifest = crate::output::manifest(&files);
    files.push(manifest);
    crate::output::write_report(dir, &files, warn)
}
