//! Short listings of the code a student would write in the homework's own tools (brian2,
//! scikit-learn, PyTorch), generated from the configuration, so that the reader can connect
//! each experiment to the script it replaces. They are shown, not run.

use super::format::plain;
use crate::config::Config;

/// A fenced Python code block.
pub(super) fn python(body: &str) -> String {
    format!("```python\n{}\n```", body.trim_end())
}

/// brian2 quantity for a value in ms: "5*ms", "0.1*ms".
fn ms(x: f64) -> String {
    format!("{}*ms", plain(x))
}

/// brian2's `IF_curve_LIF` example with the configured parameters.
pub fn lif_brian2(cfg: &Config) -> String {
    let l = &cfg.lif;
    python(&format!(
        r#"from brian2 import *
defaultclock.dt = {dt}
n, tau = {n}, {tau}
eqs = '''dv/dt = (v0 - v) / tau : volt (unless refractory)
v0 : volt'''
group = NeuronGroup(n, eqs, threshold='v > {th}*mV', reset='v = {reset}*mV',
                    refractory={refr}, method='exact')
group.v = {reset}*mV
group.v0 = '{v0max}*mV * i / (n - 1)'
monitor = SpikeMonitor(group)
run({dur})
rate = monitor.count / ({dur})"#,
        dt = ms(l.dt_ms),
        n = l.n_neurons,
        tau = ms(l.tau_ms),
        th = plain(l.v_threshold_mv),
        reset = plain(l.v_reset_mv),
        refr = ms(l.refractory_ms),
        v0max = plain(l.v0_max_mv),
        dur = ms(l.duration_ms),
    ))
}

/// The QIF model as a brian2 script, stepped with forward Euler as in the homework.
pub fn qif_brian2(cfg: &Config) -> String {
    let q = &cfg.qif;
    let n = crate::experiments::qif_fi::sweep(q).len();
    python(&format!(
        r#"from brian2 import *
defaultclock.dt = {dt}
n, tau = {n}, {tau}
eqs = '''dv/dt = (v0 + v**2) / tau : 1
v0 : 1'''
group = NeuronGroup(n, eqs, threshold='v > {th}', reset='v = {reset}', method='euler')
group.v = {reset}
group.v0 = '{v0min} + i * {step}'
monitor = SpikeMonitor(group)
run({dur})"#,
        dt = ms(q.dt_ms),
        tau = ms(q.tau_ms),
        th = plain(q.v_threshold),
        reset = plain(q.v_reset),
        v0min = plain(q.v0_min),
        step = plain(q.v0_step),
        dur = ms(q.duration_ms),
    ))
}

/// The scikit-learn calls that make and split the data set.
pub fn sklearn(cfg: &Config) -> String {
    let c = &cfg.circles;
    python(&format!(
        r#"from sklearn.datasets import make_circles
from sklearn.model_selection import train_test_split
X, y = make_circles(n_samples={n}, factor={factor}, noise={noise}, random_state={rs})
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size={test}, stratify=y, random_state={split})"#,
        n = c.n_samples,
        factor = plain(c.factor),
        noise = plain(c.noise),
        rs = c.random_state,
        test = plain(c.test_size),
        split = c.split_random_state,
    ))
}

/// The PyTorch network and its full-batch training, for the small width (the wide one changes
/// `H` and `epochs`).
pub fn torch(cfg: &Config) -> String {
    let m = &cfg.mlp;
    let eps = format!("{:e}", m.epsilon);
    python(&format!(
        r#"import torch
torch.set_default_dtype(torch.float64)
H, epochs = {h}, {epochs}          # {wide_h} and {wide_epochs} for the wide network
model = torch.nn.Sequential(torch.nn.Linear(2, H), torch.nn.ReLU(), torch.nn.Linear(H, 1))
opt = torch.optim.Adam(model.parameters(), lr={lr}, betas=({b1}, {b2}), eps={eps})
loss_fn = torch.nn.BCEWithLogitsLoss()
x, t = torch.tensor(X_train), torch.tensor(y_train, dtype=torch.float64)
for epoch in range(epochs):
    opt.zero_grad()
    loss = loss_fn(model(x).squeeze(1), t)
    loss.backward()
    opt.step()"#,
        h = m.small_hidden,
        epochs = m.small_epochs,
        wide_h = m.wide_hidden,
        wide_epochs = m.wide_epochs,
        lr = plain(m.learning_rate),
        b1 = plain(m.beta1),
        b2 = plain(m.beta2),
        eps = eps,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_follow_the_configuration() {
        let mut cfg = Config::default();
        assert!(lif_brian2(&cfg).contains("refractory=5*ms"));
        assert!(lif_brian2(&cfg).contains("group.v0 = '20*mV * i / (n - 1)'"));
        assert!(qif_brian2(&cfg).contains("method='euler'"));
        assert!(sklearn(&cfg).contains("make_circles(n_samples=400, factor=0.3, noise=0.05"));
        assert!(torch(&cfg).contains("eps=1e-8"));
        cfg.lif.refractory_ms = 2.5;
        cfg.circles.noise = 0.1;
        cfg.mlp.small_hidden = 7;
        assert!(lif_brian2(&cfg).contains("refractory=2.5*ms"));
        assert!(sklearn(&cfg).contains("noise=0.1,"));
        assert!(torch(&cfg).contains("H, epochs = 7, 2000"));
    }
}
