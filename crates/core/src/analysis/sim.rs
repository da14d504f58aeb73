//! Many chains of single-neuron runs, stepped four neurons at a time.
//!
//! The bifurcation analysis is made of chains of runs that must follow one another: a
//! continuation starts each run from the last state of the one before, a bisection picks its
//! next current from the last answer. One chain alone keeps one neuron busy, whose step is
//! bound by the latency of its exponentials. Here the chains are `async` functions that await
//! their runs ([`Sim::track`]); [`Sim::run`] polls them all and steps the runs they wait for
//! together, one per vector lane, each lane with its own model, state and input. When a run
//! ends, the chain that waits for it goes on to its next run, which takes the free lane.
//!
//! Every lane computes exactly what [`bifurcation::track`] computes for that run alone (the
//! lane kernel and the packed one-neuron kernel give the same bits, tested in
//! [`crate::neuron::conductance`]), so the results do not depend on which runs share a batch,
//! on how many chains run together, or on the instruction set.

use crate::analysis::bifurcation::{self, Track, Tracker};
use crate::error::NumericalError;
use crate::neuron::conductance::{self, LANES, LaneModel, Method};
use crate::simd::{F4, Isa};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// One run a chain waits for.
struct Request<M, const N: usize> {
    model: M,
    state: [f64; N],
    input: f64,
    dt_ms: f64,
    steps: usize,
    threshold_mv: f64,
    stop_after: Option<(usize, f64)>,
}

/// What the chains and the stepping loop share.
struct Shared<M, const N: usize> {
    /// Runs not yet started, by ticket, oldest first.
    queue: VecDeque<(usize, Request<M, N>)>,
    /// Finished runs, by ticket, until their chain takes them.
    results: Vec<Option<Result<Track<N>, NumericalError>>>,
    /// The chain that asked for each ticket.
    owner: Vec<usize>,
    /// The chain being polled.
    current: usize,
    /// Neuron-steps of the runs ended since [`Sim::run_metered`] last reported them.
    steps: u64,
}

/// Runs for a set of chains of one model type (see the module documentation). All runs of
/// one simulator share a time step (asserted): the lanes step together.
pub struct Sim<M: LaneModel<N> + Copy, const N: usize> {
    shared: RefCell<Shared<M, N>>,
}

/// A chain: a boxed future borrowing the [`Sim`] it awaits.
pub type Chain<'f, T> = Pin<Box<dyn Future<Output = T> + 'f>>;

impl<M: LaneModel<N> + Copy, const N: usize> Default for Sim<M, N> {
    fn default() -> Self {
        Sim {
            shared: RefCell::new(Shared {
                queue: VecDeque::new(),
                results: Vec::new(),
                owner: Vec::new(),
                current: 0,
                steps: 0,
            }),
        }
    }
}

/// The future of one [`Sim::track`]: asks for its run when first polled, then is ready when
/// the run has ended.
struct TrackFuture<'s, M: LaneModel<N> + Copy, const N: usize> {
    sim: &'s Sim<M, N>,
    request: Option<Request<M, N>>,
    ticket: Option<usize>,
}

impl<M: LaneModel<N> + Copy, const N: usize> Unpin for TrackFuture<'_, M, N> {}

impl<M: LaneModel<N> + Copy, const N: usize> Future for TrackFuture<'_, M, N> {
    type Output = Result<Track<N>, NumericalError>;

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Self::Output> {
        let mut shared = self.sim.shared.borrow_mut();
        match self.ticket {
            None => {
                let ticket = shared.results.len();
                let owner = shared.current;
                shared.results.push(None);
                shared.owner.push(owner);
                let request = self.request.take().expect("a run is asked for once");
                shared.queue.push_back((ticket, request));
                drop(shared);
                self.ticket = Some(ticket);
                Poll::Pending
            }
            Some(ticket) => match shared.results[ticket].take() {
                Some(result) => Poll::Ready(result),
                None => Poll::Pending,
            },
        }
    }
}

/// Both futures at once (a chain that waits on two independent runs, or sub-chains): each is
/// polled until it is ready, and the pair is ready when both are.
pub fn join<A: Future, B: Future>(a: A, b: B) -> impl Future<Output = (A::Output, B::Output)> {
    let (mut a, mut b) = (Box::pin(a), Box::pin(b));
    let (mut out_a, mut out_b) = (None, None);
    std::future::poll_fn(move |cx| {
        if out_a.is_none()
            && let Poll::Ready(v) = a.as_mut().poll(cx)
        {
            out_a = Some(v);
        }
        if out_b.is_none()
            && let Poll::Ready(v) = b.as_mut().poll(cx)
        {
            out_b = Some(v);
        }
        match (out_a.take(), out_b.take()) {
            (Some(x), Some(y)) => Poll::Ready((x, y)),
            (x, y) => {
                (out_a, out_b) = (x, y);
                Poll::Pending
            }
        }
    })
}

/// Every future at once, their outputs in order (see [`join`]).
pub fn join_all<'f, T: 'f>(chains: Vec<Chain<'f, T>>) -> impl Future<Output = Vec<T>> + 'f {
    let mut chains = chains;
    let mut out: Vec<Option<T>> = chains.iter().map(|_| None).collect();
    std::future::poll_fn(move |cx| {
        for (chain, slot) in chains.iter_mut().zip(out.iter_mut()) {
            if slot.is_none()
                && let Poll::Ready(v) = chain.as_mut().poll(cx)
            {
                *slot = Some(v);
            }
        }
        if out.iter().all(Option::is_some) {
            Poll::Ready(out.iter_mut().map(|v| v.take().expect("ready")).collect())
        } else {
            Poll::Pending
        }
    })
}

/// A run in a lane.
struct Job<M, const N: usize> {
    ticket: usize,
    model: M,
    tracker: Tracker,
}

impl<M: LaneModel<N> + Copy, const N: usize> Sim<M, N> {
    /// A simulator with no run yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// [`bifurcation::track`], awaited: the run is stepped in a lane beside the other
    /// chains' runs, with the same result.
    pub fn track(
        &self,
        m: &M,
        state: [f64; N],
        input: f64,
        dt_ms: f64,
        duration_ms: f64,
        threshold_mv: f64,
    ) -> impl Future<Output = Result<Track<N>, NumericalError>> + '_ {
        self.submit(Request {
            model: *m,
            state,
            input,
            dt_ms,
            steps: bifurcation::steps_of(duration_ms, dt_ms),
            threshold_mv,
            stop_after: None,
        })
    }

    /// [`Sim::track`] ended at the `count`-th spike at or after `from_ms` (or at rest, or after
    /// brian2's number of steps for `duration_ms`): the spikes that
    /// [`crate::neuron::conductance::run`] with that `stop_after_spikes` and `transient_ms`
    /// records, on the lane math.
    #[allow(clippy::too_many_arguments)]
    pub fn track_until(
        &self,
        m: &M,
        state: [f64; N],
        input: f64,
        dt_ms: f64,
        duration_ms: f64,
        threshold_mv: f64,
        (count, from_ms): (usize, f64),
    ) -> impl Future<Output = Result<Track<N>, NumericalError>> + '_ {
        self.submit(Request {
            model: *m,
            state,
            input,
            dt_ms,
            steps: crate::neuron::clock::brian2_steps(duration_ms, dt_ms) as usize,
            threshold_mv,
            stop_after: Some((count, from_ms)),
        })
    }

    fn submit(&self, request: Request<M, N>) -> TrackFuture<'_, M, N> {
        TrackFuture {
            sim: self,
            request: Some(request),
            ticket: None,
        }
    }

    /// One chain to its end.
    pub fn run_one<'f, T>(&'f self, chain: impl Future<Output = T> + 'f) -> T {
        self.run(vec![Box::pin(chain)])
            .pop()
            .expect("one chain, one result")
    }

    /// [`Sim::run_one`], reporting the neuron-steps of its runs to `on_steps` as they end.
    pub fn run_one_metered<'f, T>(
        &'f self,
        chain: impl Future<Output = T> + 'f,
        on_steps: &(dyn Fn(u64) + Sync),
    ) -> T {
        self.run_metered(vec![Box::pin(chain)], on_steps)
            .pop()
            .expect("one chain, one result")
    }

    /// Runs every chain to its end, stepping the runs they wait for together; the results in
    /// the order of `chains`. A chain may await only this simulator's runs.
    pub fn run<'f, T>(&'f self, chains: Vec<Chain<'f, T>>) -> Vec<T> {
        self.run_metered(chains, &|_| {})
    }

    /// [`Sim::run`], reporting to `on_steps` the neuron-steps of the runs as they end (the
    /// work done, for progress and the work budget's checks).
    pub fn run_metered<'f, T>(
        &'f self,
        mut chains: Vec<Chain<'f, T>>,
        on_steps: &(dyn Fn(u64) + Sync),
    ) -> Vec<T> {
        let mut cx = Context::from_waker(Waker::noop());
        let mut out: Vec<Option<T>> = chains.iter().map(|_| None).collect();
        let mut poll = |k: usize, out: &mut Vec<Option<T>>| {
            if out[k].is_some() {
                return;
            }
            self.shared.borrow_mut().current = k;
            if let Poll::Ready(v) = chains[k].as_mut().poll(&mut cx) {
                out[k] = Some(v);
            }
        };
        for k in 0..out.len() {
            poll(k, &mut out);
        }
        let isa = Isa::detect();
        let mut lanes: [Option<Job<M, N>>; LANES] = std::array::from_fn(|_| None);
        let mut s = [F4::splat(0.0); N];
        // Every pass ends at least one run (a run has a bounded number of steps), and every
        // chain asks for finitely many runs, so the loop ends.
        loop {
            let ended = self.pass(isa, &mut lanes, &mut s);
            let steps = std::mem::take(&mut self.shared.borrow_mut().steps);
            if steps > 0 {
                on_steps(steps);
            }
            if ended.is_empty() {
                break;
            }
            for (ticket, result) in ended {
                let owner = {
                    let mut shared = self.shared.borrow_mut();
                    shared.results[ticket] = Some(result);
                    shared.owner[ticket]
                };
                poll(owner, &mut out);
            }
        }
        out.into_iter()
            .map(|v| v.expect("every chain awaits only its simulator's runs"))
            .collect()
    }

    /// [`step_until_one_ends`] for `isa`. Not inlined, so the kernel is compiled once per
    /// model rather than once per chain type of [`Sim::run`] (a large share of build time).
    #[inline(never)]
    fn pass(
        &self,
        isa: Isa,
        lanes: &mut [Option<Job<M, N>>; LANES],
        s: &mut [F4; N],
    ) -> Vec<(usize, Result<Track<N>, NumericalError>)> {
        crate::multiversion!(isa, step_until_one_ends(self, lanes, s))
    }
}

/// Fills the free lanes from the queue and steps until at least one run ends; returns the
/// ended runs (none when there is nothing left to run). A free lane copies a busy one, so it
/// never computes on garbage.
#[inline(always)]
fn step_until_one_ends<M: LaneModel<N> + Copy, const N: usize>(
    sim: &Sim<M, N>,
    lanes: &mut [Option<Job<M, N>>; LANES],
    s: &mut [F4; N],
) -> Vec<(usize, Result<Track<N>, NumericalError>)> {
    let mut ended = Vec::new();
    {
        let mut shared = sim.shared.borrow_mut();
        for (k, slot) in lanes.iter_mut().enumerate() {
            while slot.is_none() {
                let Some((ticket, r)) = shared.queue.pop_front() else {
                    break;
                };
                let mut tracker = Tracker::new(&r.state, r.input, r.dt_ms, r.steps, r.threshold_mv);
                if let Some((count, from_ms)) = r.stop_after {
                    tracker = tracker.stopping_after(count, from_ms);
                }
                if tracker.over() {
                    ended.push((ticket, Ok(tracker.finish(r.state))));
                    continue;
                }
                for (x, v) in s.iter_mut().zip(r.state) {
                    x.0[k] = v;
                }
                *slot = Some(Job {
                    ticket,
                    model: r.model,
                    tracker,
                });
            }
        }
    }
    if !ended.is_empty() {
        return ended;
    }
    let Some(busy) = lanes.iter().position(Option::is_some) else {
        return ended;
    };
    let dt_ms = lanes[busy]
        .as_ref()
        .map(|j| j.tracker.dt_ms())
        .expect("busy lane");
    assert!(
        lanes
            .iter()
            .flatten()
            .all(|j| j.tracker.dt_ms().to_bits() == dt_ms.to_bits()),
        "runs stepped together share their time step"
    );
    if lanes.iter().flatten().count() == 1 {
        // Nothing can join a lone run before it ends (new runs come from ended ones): step
        // it with its rates packed in the lanes instead, the same bits at a fraction of the
        // cost.
        let mut job = lanes[busy].take().expect("busy lane");
        let mut lane: [f64; N] = std::array::from_fn(|i| s[i].0[busy]);
        let result = job.tracker.run_packed(&job.model, &mut lane);
        sim.shared.borrow_mut().steps += job.tracker.steps_taken() as u64;
        ended.push((job.ticket, result.map(|()| job.tracker.finish(lane))));
        return ended;
    }
    for (k, slot) in lanes.iter().enumerate() {
        if slot.is_none() {
            for x in s.iter_mut() {
                x.0[k] = x.0[busy];
            }
        }
    }
    // A free lane takes the model and input of a busy one.
    let job = |k: usize| {
        lanes[k]
            .as_ref()
            .unwrap_or_else(|| lanes[busy].as_ref().expect("busy"))
    };
    let params = M::lanes(std::array::from_fn(|k| &job(k).model));
    let input = F4(std::array::from_fn(|k| job(k).tracker.input()));
    while ended.is_empty() {
        let before = s[0];
        conductance::step_lanes::<M, N>(&params, s, input, Method::Rk4, dt_ms);
        for (k, slot) in lanes.iter_mut().enumerate() {
            let Some(job) = slot.as_mut() else {
                continue;
            };
            let lane: [f64; N] = std::array::from_fn(|i| s[i].0[k]);
            let result = match job.tracker.observe(&job.model, &lane, before.0[k]) {
                Err(e) => Some(Err(e)),
                Ok(()) if job.tracker.over() => Some(Ok(())),
                Ok(()) => None,
            };
            if let Some(result) = result {
                let job = slot.take().expect("busy lane");
                sim.shared.borrow_mut().steps += job.tracker.steps_taken() as u64;
                ended.push((job.ticket, result.map(|()| job.tracker.finish(lane))));
            }
        }
    }
    ended
}

/// [`bifurcation::track`] through a [`Sim`] of its own (for tests).
#[cfg(test)]
fn track_alone<M: LaneModel<N> + Copy, const N: usize>(
    m: &M,
    state: [f64; N],
    input: f64,
) -> Result<Track<N>, NumericalError> {
    let sim = Sim::new();
    sim.run_one(sim.track(m, state, input, 0.05, 300.0, -20.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neuron::connor_stevens::ConnorStevens;

    fn bits<const N: usize>(
        t: &Result<Track<N>, NumericalError>,
    ) -> (Vec<u64>, Vec<u64>, u64, u64) {
        let t = t.as_ref().expect("no error");
        (
            t.spikes_ms.iter().map(|x| x.to_bits()).collect(),
            t.state.iter().map(|x| x.to_bits()).collect(),
            t.v_range_mv.0.to_bits(),
            t.v_range_mv.1.to_bits(),
        )
    }

    type Runs = Vec<Result<Track<6>, NumericalError>>;

    /// Runs at `currents` in turn, each from the end state of the one before.
    async fn continuation(
        sim: &Sim<ConnorStevens, 6>,
        m: &ConnorStevens,
        start: [f64; 6],
        currents: Vec<f64>,
    ) -> Runs {
        let mut state = start;
        let mut out = Vec::new();
        for i in currents {
            let t = sim.track(m, state, i, 0.05, 150.0, -20.0).await;
            state = t.as_ref().map_or(state, |t| t.state);
            out.push(t);
        }
        out
    }

    #[test]
    fn chains_together_give_each_run_the_bits_it_gets_alone() {
        // Three models, chains of different lengths: a run's successor starts from its end
        // state (as a continuation does), so lanes free up and refill at different times.
        let models = [
            ConnorStevens::default(),
            ConnorStevens::with_conductances(0.0, 67.7),
            ConnorStevens::with_conductances(20.0, 20.0),
        ];
        let rests: Vec<[f64; 6]> = models
            .iter()
            .map(|m| m.resting_state(0.0).unwrap())
            .collect();
        let plan: Vec<(usize, Vec<f64>)> = vec![
            (0, vec![12.0, 9.0, 7.5]),
            (1, vec![30.0, 3.0]),
            (2, vec![15.0]),
            (0, vec![2.0, 40.0, 20.0, 10.0]),
            (1, vec![8.0]),
        ];
        let sim = Sim::new();
        let chains: Vec<Chain<'_, Runs>> = plan
            .iter()
            .map(|(model, currents)| {
                Box::pin(continuation(
                    &sim,
                    &models[*model],
                    rests[*model],
                    currents.clone(),
                )) as _
            })
            .collect();
        let together = sim.run(chains);
        for (k, (model, currents)) in plan.iter().enumerate() {
            let m = &models[*model];
            let mut state = rests[*model];
            for (j, &i) in currents.iter().enumerate() {
                let alone = bifurcation::track(m, state, i, 0.05, 150.0, -20.0);
                assert_eq!(bits(&together[k][j]), bits(&alone), "chain {k}, run {j}");
                state = alone.unwrap().state;
            }
        }
        assert!(together[0][0].as_ref().unwrap().spikes_ms.len() > 2);
    }

    #[test]
    fn a_run_stopped_after_spikes_counts_what_a_run_spec_counts() {
        use crate::neuron::conductance::{RunSpec, run};
        let cs = ConnorStevens::default();
        let rest = cs.resting_state(0.0).unwrap();
        for (current, stop) in [(20.0, 2), (9.0, 12), (3.0, 2)] {
            let spec = RunSpec {
                method: Method::Rk4,
                dt_ms: 0.05,
                duration_ms: 2000.0,
                threshold_mv: -20.0,
                stop_after_spikes: stop,
                transient_ms: 200.0,
                stop_at_rest: true,
            };
            let sim = Sim::new();
            let lanes = sim
                .run_one(sim.track_until(&cs, rest, current, 0.05, 2000.0, -20.0, (stop, 200.0)))
                .unwrap()
                .spikes_ms;
            let library = run(&cs, rest, current, &spec).unwrap();
            // The same spikes, so the same stop; the lane math moves them by picoseconds.
            assert_eq!(lanes.len(), library.len(), "I = {current}");
            for (a, b) in lanes.iter().zip(&library) {
                assert!((a - b).abs() < 1e-9, "I = {current}: {a} against {b}");
            }
            let late = lanes.iter().filter(|&&t| t >= 200.0).count();
            assert!(
                late == stop || lanes.is_empty(),
                "I = {current}: {late} late spikes"
            );
        }
    }

    #[test]
    fn a_blow_up_is_its_run_error_and_the_other_runs_go_on() {
        use crate::neuron::hodgkin_huxley::HodgkinHuxley;
        let hh = HodgkinHuxley::default();
        let init = hh.brian2_initial_state();
        let sim = Sim::new();
        let chains: Vec<Chain<'_, _>> = vec![
            Box::pin(sim.track(&hh, init, 1e4, 0.1, 300.0, -20.0)),
            Box::pin(sim.track(&hh, init, 0.0, 0.1, 300.0, -20.0)),
        ];
        let runs = sim.run(chains);
        let err = runs[0].as_ref().unwrap_err().to_string();
        assert!(err.contains("I = 10000, RK4 at dt = 0.1 ms"), "{err}");
        let alone = bifurcation::track(&hh, init, 1e4, 0.1, 300.0, -20.0).unwrap_err();
        assert_eq!(err, alone.to_string());
        assert_eq!(
            bits(&runs[1]),
            bits(&bifurcation::track(&hh, init, 0.0, 0.1, 300.0, -20.0))
        );
        let cs = ConnorStevens::default();
        let rest = cs.resting_state(0.0).unwrap();
        assert_eq!(
            bits(&track_alone(&cs, rest, 10.0)),
            bits(&bifurcation::track(&cs, rest, 10.0, 0.05, 300.0, -20.0))
        );
    }
}
