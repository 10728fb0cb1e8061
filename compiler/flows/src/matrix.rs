//! The flow matrix under construction.
//!
//! Endpoints, services and provenances are interned once each; a flow is a key of four small
//! ids. At the end every table is ranked by its values' order, so sorting and deduplicating
//! the packed keys gives exactly the order and set of the [`Flow`]s they stand for, and each
//! flow is materialised only once, already in place, sharing each distinct value.

use crate::fxhash::FxHashMap as HashMap;
use std::hash::Hash;
use std::sync::Arc;

use infrac_model::{Endpoint, Flow, FlowOrigin, PortSpec};

use crate::resolve::{EpRef, Index};

/// Values interned to dense ids, in first-seen order.
struct Table<K, V> {
    ids: HashMap<K, u32>,
    values: Vec<V>,
}

impl<K: Hash + Eq, V> Table<K, V> {
    fn new() -> Self {
        Table {
            ids: HashMap::default(),
            values: Vec::new(),
        }
    }

    fn intern(&mut self, key: K, make: impl FnOnce(&K) -> V) -> u32 {
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(make(&key));
        self.ids.insert(key, id);
        id
    }
}

/// For each value its rank in sorted order (equal values share a rank), and for each rank
/// the index of one value with it.
fn ranks<T: Ord>(values: &[T]) -> (Vec<u32>, Vec<usize>) {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_unstable_by(|&a, &b| values[a].cmp(&values[b]));
    let mut rank = vec![0u32; values.len()];
    let mut by_rank: Vec<usize> = Vec::with_capacity(values.len());
    for (i, &v) in order.iter().enumerate() {
        if i == 0 || values[order[i - 1]] != values[v] {
            by_rank.push(v);
        }
        rank[v] = (by_rank.len() - 1) as u32;
    }
    (rank, by_rank)
}

/// The flows found so far, as interned keys.
pub(crate) struct Matrix<'i, 'm> {
    /// The model's lookup tables.
    pub index: &'i Index<'m>,
    endpoints: Table<EpRef, Endpoint>,
    services: Table<PortSpec, PortSpec>,
    provenances: Table<FlowOrigin, FlowOrigin>,
    keys: Vec<[u32; 4]>,
}

impl<'i, 'm> Matrix<'i, 'm> {
    /// An empty matrix over `index`'s model.
    pub fn new(index: &'i Index<'m>) -> Self {
        Matrix {
            index,
            endpoints: Table::new(),
            services: Table::new(),
            provenances: Table::new(),
            keys: Vec::new(),
        }
    }

    /// The id of endpoint `r`.
    pub fn endpoint(&mut self, r: EpRef) -> u32 {
        let index = self.index;
        self.endpoints.intern(r, |&r| index.endpoint(r))
    }

    /// The endpoint with id `id`.
    pub fn endpoint_value(&self, id: u32) -> &Endpoint {
        &self.endpoints.values[id as usize]
    }

    /// The id of service `s`.
    pub fn service(&mut self, s: &PortSpec) -> u32 {
        if let Some(&id) = self.services.ids.get(s) {
            return id;
        }
        self.services.intern(s.clone(), PortSpec::clone)
    }

    /// The id of provenance `p`.
    pub fn provenance(&mut self, p: FlowOrigin) -> u32 {
        self.provenances.intern(p, FlowOrigin::clone)
    }

    /// Adds every flow `from` × `to` × `services` with provenance `prov`.
    pub fn cross(&mut self, from: &[u32], to: &[u32], services: &[u32], prov: u32) {
        self.keys.reserve(from.len() * to.len() * services.len());
        for &f in from {
            for &t in to {
                for &s in services {
                    self.keys.push([f, t, s, prov]);
                }
            }
        }
    }

    /// Deduplicates, sorts and materialises the flows.
    pub fn finish(self) -> Vec<Flow> {
        let (ep_rank, ep_by_rank) = ranks(&self.endpoints.values);
        let (svc_rank, svc_by_rank) = ranks(&self.services.values);
        let (prov_rank, prov_by_rank) = ranks(&self.provenances.values);
        let mut packed: Vec<u128> = self
            .keys
            .iter()
            .map(|&[f, t, s, p]| {
                (u128::from(ep_rank[f as usize]) << 96)
                    | (u128::from(ep_rank[t as usize]) << 64)
                    | (u128::from(svc_rank[s as usize]) << 32)
                    | u128::from(prov_rank[p as usize])
            })
            .collect();
        drop(self.keys);
        packed.sort_unstable();
        packed.dedup();
        // Each distinct value once, shared by every flow that names it.
        let eps: Vec<Arc<Endpoint>> = ep_by_rank
            .iter()
            .map(|&i| Arc::new(self.endpoints.values[i].clone()))
            .collect();
        let svcs: Vec<Arc<PortSpec>> = svc_by_rank
            .iter()
            .map(|&i| Arc::new(self.services.values[i].clone()))
            .collect();
        let provs: Vec<Arc<FlowOrigin>> = prov_by_rank
            .iter()
            .map(|&i| Arc::new(self.provenances.values[i].clone()))
            .collect();
        let field = |k: u128, shift: u32| (k >> shift) as u32 as usize;
        let make = |k: u128| Flow {
            from: Arc::clone(&eps[field(k, 96)]),
            to: Arc::clone(&eps[field(k, 64)]),
            service: Arc::clone(&svcs[field(k, 32)]),
            provenance: Arc::clone(&provs[field(k, 0)]),
        };
        materialise(&packed, make)
    }
}

/// Below this many flows, materialising on one thread is fast enough.
const PARALLEL_FROM: usize = 1 << 16;

/// Builds the flow for each key, in order; large matrices in contiguous chunks on scoped
/// threads (the result does not depend on the thread count).
fn materialise(keys: &[u128], make: impl Fn(u128) -> Flow + Sync) -> Vec<Flow> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads < 2 || keys.len() < PARALLEL_FROM {
        return keys.iter().map(|&k| make(k)).collect();
    }
    let mut chunks = keys.chunks(keys.len().div_ceil(threads));
    let first = chunks.next().unwrap_or(&[]);
    let make = &make;
    std::thread::scope(|scope| {
        let rest: Vec<_> = chunks
            .map(|c| scope.spawn(move || c.iter().map(|&k| make(k)).collect::<Vec<Flow>>()))
            .collect();
        let mut out = Vec::with_capacity(keys.len());
        out.extend(first.iter().map(|&k| make(k)));
        for handle in rest {
            match handle.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::{PARALLEL_FROM, materialise, ranks};
    use infrac_model::{
        Endpoint, EndpointKind, Flow, FlowOrigin, FlowReason, Origin, PortSpec, Protocol,
    };

    #[test]
    fn parallel_materialisation_keeps_order() {
        let make = |k: u128| {
            let e = Endpoint {
                kind: EndpointKind::Host,
                name: k.to_string(),
                prefixes: vec![],
                zones: vec![],
            };
            Flow {
                from: e.clone().into(),
                to: e.into(),
                service: PortSpec {
                    protocol: Protocol::Any,
                    ports: vec![],
                }
                .into(),
                provenance: FlowOrigin {
                    reason: FlowReason::Rule,
                    name: String::new(),
                    origin: Origin::default(),
                }
                .into(),
            }
        };
        let keys: Vec<u128> = (0..PARALLEL_FROM as u128 * 2 + 3).collect();
        let flows = materialise(&keys, make);
        assert_eq!(flows.len(), keys.len());
        assert!(
            flows
                .iter()
                .zip(&keys)
                .all(|(f, k)| f.from.name == k.to_string())
        );
    }

    #[test]
    fn ranks_share_equal_values() {
        let (rank, by_rank) = ranks(&["b", "a", "b", "c"]);
        assert_eq!(rank, vec![1, 0, 1, 2]);
        assert_eq!(by_rank.len(), 3);
        assert_eq!(by_rank[0], 1);
    }
}
