//! The conductance models written out for the page: the gating functions as display math and
//! as the brian2 equations a student would type, both generated from one table per model.
//! Tests evaluate every formula of the tables against the models' own rate functions, so what
//! the page shows is what the code runs.

use super::format::{fixed, plain};
use super::listings::python;
use crate::config::Config;
use crate::neuron::connor_stevens::ConnorStevens;
use crate::neuron::hodgkin_huxley::HodgkinHuxley;

/// How the argument z of a form is made from the voltage variable x: z = (x + shift)·k or
/// (x + shift)/d.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// z = (x + shift)·k.
    Times(f64),
    /// z = (x + shift)/d.
    Over(f64),
}

/// z of a form: the scale and the shift.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arg {
    /// How x + shift is scaled.
    pub scale: Scale,
    /// Added to x (mV).
    pub shift: f64,
}

/// The shapes of the gating functions, in z = [`Arg`] of the voltage variable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Form {
    /// s/exprel(−z) = s·z/(1 − e^(−z)), with exprel(y) = (e^y − 1)/y.
    Linoid(f64, Arg),
    /// s·e^(−z).
    Exp(f64, Arg),
    /// s/(1 + e^(−z)).
    Sigmoid(f64, Arg),
    /// (p·e^(z₁)/(1 + e^(z₂)))^(1/3).
    CubeRoot(f64, Arg, Arg),
    /// (1 + e^z)^(−4).
    InversePower4(Arg),
    /// c + s/(1 + e^z).
    Offset(f64, f64, Arg),
}

impl Arg {
    fn of(self, x: f64) -> f64 {
        match self.scale {
            Scale::Times(k) => (x + self.shift) * k,
            Scale::Over(d) => (x + self.shift) / d,
        }
    }

    /// `x + shift` with the sign written out, x in `var`.
    fn sum(self, var: &str) -> String {
        match self.shift {
            s if s > 0.0 => format!("{var} + {}", plain(s)),
            s if s < 0.0 => format!("{var} - {}", plain(-s)),
            _ => var.to_string(),
        }
    }

    /// z (or −z when `negate`) in LaTeX.
    fn latex(self, var: &str, negate: bool) -> String {
        let sum = self.sum(var);
        match self.scale {
            Scale::Times(k) => {
                let k = if negate { -k } else { k };
                format!("{}\\,({sum})", plain(k))
            }
            Scale::Over(d) => {
                let d = if negate { -d } else { d };
                let sign = if d < 0.0 { "-" } else { "" };
                format!("{sign}\\frac{{{sum}}}{{{}}}", plain(d.abs()))
            }
        }
    }

    /// z (or −z) in brian2's expression syntax, x in `var` (dimensionless).
    fn brian2(self, var: &str, negate: bool) -> String {
        let sum = self.sum(var);
        match self.scale {
            Scale::Times(k) => format!("{}*({sum})", plain(if negate { -k } else { k })),
            Scale::Over(d) => format!("({sum})/{}", plain(if negate { -d } else { d })),
        }
    }
}

impl Form {
    /// The value at x (mV).
    pub fn eval(self, x: f64) -> f64 {
        match self {
            Form::Linoid(s, z) => s / crate::neuron::gating::exprel(-z.of(x)),
            Form::Exp(s, z) => s * (-z.of(x)).exp(),
            Form::Sigmoid(s, z) => s / (1.0 + (-z.of(x)).exp()),
            Form::CubeRoot(p, z1, z2) => (p * z1.of(x).exp() / (1.0 + z2.of(x).exp())).cbrt(),
            Form::InversePower4(z) => (1.0 + z.of(x).exp()).powi(-4),
            Form::Offset(c, s, z) => c + s / (1.0 + z.of(x).exp()),
        }
    }

    /// The formula in LaTeX, x written `var`.
    pub fn latex(self, var: &str) -> String {
        match self {
            Form::Linoid(s, z) => {
                format!(
                    "\\frac{{{}}}{{\\mathrm{{exprel}}({})}}",
                    plain(s),
                    z.latex(var, true)
                )
            }
            Form::Exp(s, z) => format!("{}\\, e^{{{}}}", plain(s), z.latex(var, true)),
            Form::Sigmoid(s, z) => {
                format!("\\frac{{{}}}{{1 + e^{{{}}}}}", plain(s), z.latex(var, true))
            }
            Form::CubeRoot(p, z1, z2) => format!(
                "\\left(\\frac{{{}\\, e^{{{}}}}}{{1 + e^{{{}}}}}\\right)^{{1/3}}",
                plain(p),
                z1.latex(var, false),
                z2.latex(var, false)
            ),
            Form::InversePower4(z) => {
                format!("\\left(1 + e^{{{}}}\\right)^{{-4}}", z.latex(var, false))
            }
            Form::Offset(c, s, z) => format!(
                "{} + \\frac{{{}}}{{1 + e^{{{}}}}}",
                plain(c),
                plain(s),
                z.latex(var, false)
            ),
        }
    }

    /// The formula in brian2's syntax, x written `var` (dimensionless).
    pub fn brian2(self, var: &str) -> String {
        match self {
            Form::Linoid(s, z) => format!("{}/exprel({})", plain(s), z.brian2(var, true)),
            Form::Exp(s, z) => format!("{}*exp({})", plain(s), z.brian2(var, true)),
            Form::Sigmoid(s, z) => format!("{}/(1 + exp({}))", plain(s), z.brian2(var, true)),
            Form::CubeRoot(p, z1, z2) => format!(
                "({}*exp({})/(1 + exp({})))**(1./3)",
                plain(p),
                z1.brian2(var, false),
                z2.brian2(var, false)
            ),
            Form::InversePower4(z) => format!("(1 + exp({}))**-4", z.brian2(var, false)),
            Form::Offset(c, s, z) => {
                format!(
                    "{} + {}/(1 + exp({}))",
                    plain(c),
                    plain(s),
                    z.brian2(var, false)
                )
            }
        }
    }
}

/// One gating function: its LaTeX name, brian2 name, unit in brian2 and form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Function {
    /// LaTeX symbol, e.g. `\alpha_m`.
    pub latex: &'static str,
    /// brian2 name, e.g. `alpha_m`.
    pub name: &'static str,
    /// `/ms` for a rate, `*ms` for a time constant, empty for a steady state.
    pub unit: &'static str,
    /// The formula.
    pub form: Form,
}

const fn times(k: f64, shift: f64) -> Arg {
    Arg {
        scale: Scale::Times(k),
        shift,
    }
}

const fn over(d: f64, shift: f64) -> Arg {
    Arg {
        scale: Scale::Over(d),
        shift,
    }
}

/// The Connor–Stevens gating functions (Dayan and Abbott, ch. 6), in V (mV); rates in 1/ms,
/// time constants in ms.
pub const CONNOR_STEVENS: [Function; 10] = [
    Function {
        latex: "\\alpha_m",
        name: "alpha_m",
        unit: "/ms",
        form: Form::Linoid(3.8, times(0.1, 29.7)),
    },
    Function {
        latex: "\\beta_m",
        name: "beta_m",
        unit: "/ms",
        form: Form::Exp(15.2, times(0.0556, 54.7)),
    },
    Function {
        latex: "\\alpha_h",
        name: "alpha_h",
        unit: "/ms",
        form: Form::Exp(0.266, times(0.05, 48.0)),
    },
    Function {
        latex: "\\beta_h",
        name: "beta_h",
        unit: "/ms",
        form: Form::Sigmoid(3.8, times(0.1, 18.0)),
    },
    Function {
        latex: "\\alpha_n",
        name: "alpha_n",
        unit: "/ms",
        form: Form::Linoid(0.2, times(0.1, 45.7)),
    },
    Function {
        latex: "\\beta_n",
        name: "beta_n",
        unit: "/ms",
        form: Form::Exp(0.25, times(0.0125, 55.7)),
    },
    Function {
        latex: "a_\\infty",
        name: "a_inf",
        unit: "",
        form: Form::CubeRoot(0.0761, times(0.0314, 94.22), times(0.0346, 1.17)),
    },
    Function {
        latex: "\\tau_a",
        name: "tau_a",
        unit: "*ms",
        form: Form::Offset(0.3632, 1.158, times(0.0497, 55.96)),
    },
    Function {
        latex: "b_\\infty",
        name: "b_inf",
        unit: "",
        form: Form::InversePower4(times(0.0688, 53.3)),
    },
    Function {
        latex: "\\tau_b",
        name: "tau_b",
        unit: "*ms",
        form: Form::Offset(1.24, 2.678, times(0.0624, 50.0)),
    },
];

/// The rates of brian2's Hodgkin–Huxley example (Traub and Miles), in u = V − V_T (mV).
pub const HODGKIN_HUXLEY: [Function; 6] = [
    Function {
        latex: "\\alpha_m",
        name: "alpha_m",
        unit: "/ms",
        form: Form::Linoid(1.28, over(4.0, -13.0)),
    },
    Function {
        latex: "\\beta_m",
        name: "beta_m",
        unit: "/ms",
        form: Form::Linoid(1.4, over(-5.0, -40.0)),
    },
    Function {
        latex: "\\alpha_n",
        name: "alpha_n",
        unit: "/ms",
        form: Form::Linoid(0.16, over(5.0, -15.0)),
    },
    Function {
        latex: "\\beta_n",
        name: "beta_n",
        unit: "/ms",
        form: Form::Exp(0.5, over(40.0, -10.0)),
    },
    Function {
        latex: "\\alpha_h",
        name: "alpha_h",
        unit: "/ms",
        form: Form::Exp(0.128, over(18.0, -17.0)),
    },
    Function {
        latex: "\\beta_h",
        name: "beta_h",
        unit: "/ms",
        form: Form::Sigmoid(4.0, over(5.0, -40.0)),
    },
];

/// The functions as a Markdown list of inline math, two to an item (a gate's pair), with x
/// written `var`.
pub fn display_math(functions: &[Function], var: &str) -> String {
    functions
        .chunks(2)
        .map(|pair| {
            let items: Vec<String> = pair
                .iter()
                .map(|f| format!("${} = {}$", f.latex, f.form.latex(var)))
                .collect();
            format!("- {}", items.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn brian2_functions(functions: &[Function], var: &str) -> String {
    functions
        .iter()
        .map(|f| {
            let unit = match f.unit {
                "/ms" => ("(", ")/ms : Hz"),
                "*ms" => ("(", ")*ms : second"),
                _ => ("", " : 1"),
            };
            format!("{} = {}{}{}", f.name, unit.0, f.form.brian2(var), unit.1)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Connor–Stevens sweep as a brian2 script: the standard model, its sweep of currents,
/// every neuron started at the I = 0 rest `rest` (V and the five gates), RK4 at the sweep's
/// step.
pub fn connor_stevens_brian2(cfg: &Config, rest: &[f64; 6]) -> String {
    let m = ConnorStevens::default();
    let cs = &cfg.cs;
    let n = crate::experiments::connor_stevens::currents(cs).len();
    let start: Vec<String> = ["m", "h", "n", "a", "b"]
        .iter()
        .zip(&rest[1..])
        .map(|(g, x)| format!("{g} = {}", fixed(*x, 6)))
        .collect();
    python(&format!(
        r#"from brian2 import *
defaultclock.dt = {dt}*ms
Cm = {c_m}*ufarad                     # everything per cm² of membrane
gNa, gK, gA, gL = {g_na}*msiemens, {g_k}*msiemens, {g_a}*msiemens, {g_l}*msiemens
ENa, EK, EA, EL = {e_na}*mV, {e_k}*mV, {e_a}*mV, {e_l}*mV
eqs = '''
dv/dt = (gL*(EL - v) + gNa*m**3*h*(ENa - v) + gK*n**4*(EK - v) + gA*a**3*b*(EA - v) + I)/Cm : volt
dm/dt = alpha_m*(1 - m) - beta_m*m : 1
dh/dt = alpha_h*(1 - h) - beta_h*h : 1
dn/dt = alpha_n*(1 - n) - beta_n*n : 1
da/dt = (a_inf - a)/tau_a : 1
db/dt = (b_inf - b)/tau_b : 1
{functions}
I : amp
'''
group = NeuronGroup({n}, eqs, threshold='v > {th}*mV', refractory='v > {th}*mV', method='rk4')
group.I = '({i_min} + i*{i_step})*uA'
group.v = {v0}*mV                  # the I = 0 rest, every gate at its steady state
group.{start}
monitor = SpikeMonitor(group)
run({dur}*ms)"#,
        dt = plain(cs.dt_ms),
        c_m = plain(m.c_m),
        g_na = plain(m.g_na),
        g_k = plain(cs.g_k),
        g_a = plain(crate::experiments::connor_stevens::largest_g_a(cs)),
        g_l = plain(m.g_l),
        e_na = plain(m.e_na),
        e_k = plain(m.e_k),
        e_a = plain(m.e_a),
        e_l = plain(m.e_l),
        functions = brian2_functions(&CONNOR_STEVENS, "v/mV"),
        th = plain(cs.threshold_mv),
        i_min = plain(cs.i_min),
        i_step = plain(cs.i_step),
        v0 = fixed(rest[0], 4),
        start = start.join("; group."),
        dur = plain(cs.duration_ms),
    ))
}

/// brian2's `IF_curve_Hodgkin_Huxley` example with the configured parameters.
pub fn hodgkin_huxley_brian2(cfg: &Config) -> String {
    let m = HodgkinHuxley::default();
    let h = &cfg.hh;
    python(&format!(
        r#"from brian2 import *
defaultclock.dt = {dt}*ms
num_neurons, duration = {n}, {dur}*ms
area = {area}*umetre**2
Cm = {c_m}*ufarad*cm**-2 * area
gl, g_na, g_kd = {g_l}*msiemens*cm**-2 * area, {g_na}*msiemens*cm**-2 * area, {g_kd}*msiemens*cm**-2 * area
El, EK, ENa, VT = {e_l}*mV, {e_k}*mV, {e_na}*mV, {v_t}*mV
eqs = '''
dv/dt = (gl*(El - v) - g_na*m**3*h*(v - ENa) - g_kd*n**4*(v - EK) + I)/Cm : volt
dm/dt = alpha_m*(1 - m) - beta_m*m : 1
dn/dt = alpha_n*(1 - n) - beta_n*n : 1
dh/dt = alpha_h*(1 - h) - beta_h*h : 1
{functions}
I : amp
'''
group = NeuronGroup(num_neurons, eqs, threshold='v > -40*mV', refractory='v > -40*mV',
                    method='exponential_euler')
group.v = El                       # m, n and h start at 0, brian2's default
group.I = '{i_max}*nA * i / num_neurons'
monitor = SpikeMonitor(group)
run(duration)"#,
        dt = plain(h.dt_ms),
        n = h.n_neurons,
        dur = plain(h.duration_ms),
        area = plain(h.area_um2),
        c_m = plain(m.c_m),
        g_l = plain(m.g_l),
        g_na = plain(m.g_na),
        g_kd = plain(m.g_kd),
        e_l = plain(m.e_l),
        e_k = plain(m.e_k),
        e_na = plain(m.e_na),
        v_t = plain(m.v_t),
        functions = brian2_functions(&HODGKIN_HUXLEY, "(v - VT)/mV"),
        i_max = plain(h.i_max_na),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-300)
    }

    #[test]
    fn the_connor_stevens_table_is_the_models_own_kinetics() {
        let funcs: [fn(f64) -> f64; 10] = [
            |v| ConnorStevens::m_rates(v).alpha,
            |v| ConnorStevens::m_rates(v).beta,
            |v| ConnorStevens::h_rates(v).alpha,
            |v| ConnorStevens::h_rates(v).beta,
            |v| ConnorStevens::n_rates(v).alpha,
            |v| ConnorStevens::n_rates(v).beta,
            |v| ConnorStevens::a(v).inf,
            |v| ConnorStevens::a(v).tau,
            |v| ConnorStevens::b(v).inf,
            |v| ConnorStevens::b(v).tau,
        ];
        for (f, model) in CONNOR_STEVENS.iter().zip(funcs) {
            for k in 0..=300 {
                let v = -100.0 + 0.5 * k as f64;
                let (a, b) = (f.form.eval(v), model(v));
                assert!(close(a, b), "{} at {v}: {a} against {b}", f.name);
            }
        }
    }

    #[test]
    fn the_hodgkin_huxley_table_is_the_models_own_kinetics() {
        let m = HodgkinHuxley::default();
        let funcs: [&dyn Fn(f64) -> f64; 6] = [
            &|v| m.m_rates(v).alpha,
            &|v| m.m_rates(v).beta,
            &|v| m.n_rates(v).alpha,
            &|v| m.n_rates(v).beta,
            &|v| m.h_rates(v).alpha,
            &|v| m.h_rates(v).beta,
        ];
        for (f, model) in HODGKIN_HUXLEY.iter().zip(funcs) {
            for k in 0..=300 {
                let v = -100.0 + 0.5 * k as f64;
                let (a, b) = (f.form.eval(v - m.v_t), model(v));
                assert!(close(a, b), "{} at {v}: {a} against {b}", f.name);
            }
        }
    }

    #[test]
    fn formulas_are_written_as_the_table_says() {
        assert_eq!(
            CONNOR_STEVENS[0].form.brian2("v/mV"),
            "3.8/exprel(-0.1*(v/mV + 29.7))"
        );
        assert_eq!(
            HODGKIN_HUXLEY[1].form.brian2("(v - VT)/mV"),
            "1.4/exprel(((v - VT)/mV - 40)/5)"
        );
        assert_eq!(
            HODGKIN_HUXLEY[0].form.latex("u"),
            "\\frac{1.28}{\\mathrm{exprel}(-\\frac{u - 13}{4})}"
        );
        assert_eq!(
            CONNOR_STEVENS[8].form.latex("V"),
            "\\left(1 + e^{0.0688\\,(V + 53.3)}\\right)^{-4}"
        );
        let cfg = Config::default();
        let rest = ConnorStevens::default().resting_state(0.0).unwrap();
        let listing = connor_stevens_brian2(&cfg, &rest);
        assert!(
            listing.contains(
                "gNa, gK, gA, gL = 120*msiemens, 20*msiemens, 47.7*msiemens, 0.3*msiemens"
            )
        );
        assert!(listing.contains("group.v = -67.9781*mV"));
        assert!(hodgkin_huxley_brian2(&cfg).contains("group.v = El"));
    }
}
