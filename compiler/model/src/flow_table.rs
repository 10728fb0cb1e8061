//! The flow matrix as the IR writes it: each endpoint, service and provenance once, in tables,
//! and every flow as four indices into them.
//!
//! A large model's flows share few endpoints (at 1,000 sites, 62,002 flows name 20,002
//! endpoints, 11 services and 8,003 provenances), so writing each flow whole made the flows 60%
//! of the IR, read again by every backend that renders them. The tables make the section about
//! 4× smaller, and a reader builds each endpoint once and shares it ([`Flow`] holds [`Arc`]s).
//!
//! IR 0.1 wrote every flow whole; [`crate::Model::to_ir_json`] still writes that form for
//! plugins that read only 0.1.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Endpoint, Flow, FlowOrigin, PortSpec};

/// The `flows` section of the IR: tables, and the flows as indices into them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FlowTable {
    /// Every endpoint some flow names, each once, in order of first use.
    pub endpoints: Vec<Arc<Endpoint>>,
    /// Every service some flow names, each once, in order of first use.
    pub services: Vec<Arc<PortSpec>>,
    /// Every provenance some flow names, each once, in order of first use.
    pub provenances: Vec<Arc<FlowOrigin>>,
    /// The flows, sorted, as indices into the tables.
    pub matrix: Vec<FlowRef>,
}

/// One flow of a [`FlowTable`]: positions in its tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FlowRef {
    /// Source: index into `endpoints`.
    pub from: u32,
    /// Destination: index into `endpoints`.
    pub to: u32,
    /// Protocol and ports: index into `services`.
    pub service: u32,
    /// Why it is allowed: index into `provenances`.
    pub provenance: u32,
}

/// A table under construction: values in order of first use, equal values once.
struct Interner<'a, T> {
    index: HashMap<&'a T, u32>,
    values: Vec<Arc<T>>,
}

impl<'a, T: Eq + Hash> Interner<'a, T> {
    fn new() -> Self {
        Interner {
            index: HashMap::new(),
            values: Vec::new(),
        }
    }

    /// The position of `value`, added at the end when new.
    fn intern(&mut self, value: &'a Arc<T>) -> u32 {
        let next = u32::try_from(self.values.len()).unwrap_or(u32::MAX);
        *self.index.entry(value.as_ref()).or_insert_with(|| {
            self.values.push(Arc::clone(value));
            next
        })
    }
}

impl FlowTable {
    /// The table of `flows` (equal values share an entry, whether or not they share an `Arc`).
    pub fn of(flows: &[Flow]) -> FlowTable {
        let mut endpoints = Interner::new();
        let mut services = Interner::new();
        let mut provenances = Interner::new();
        let matrix = flows
            .iter()
            .map(|f| FlowRef {
                from: endpoints.intern(&f.from),
                to: endpoints.intern(&f.to),
                service: services.intern(&f.service),
                provenance: provenances.intern(&f.provenance),
            })
            .collect();
        FlowTable {
            endpoints: endpoints.values,
            services: services.values,
            provenances: provenances.values,
            matrix,
        }
    }

    /// The flows, or which index points outside its table.
    pub fn flows(&self) -> Result<Vec<Flow>, String> {
        fn get<T>(table: &[Arc<T>], i: u32, what: &str, n: usize) -> Result<Arc<T>, String> {
            table.get(i as usize).cloned().ok_or_else(|| {
                format!(
                    "flows.matrix[{n}]: {what} {i} is not in the table of {} {what}s",
                    table.len()
                )
            })
        }
        self.matrix
            .iter()
            .enumerate()
            .map(|(n, r)| {
                Ok(Flow {
                    from: get(&self.endpoints, r.from, "endpoint", n)?,
                    to: get(&self.endpoints, r.to, "endpoint", n)?,
                    service: get(&self.services, r.service, "service", n)?,
                    provenance: get(&self.provenances, r.provenance, "provenance", n)?,
                })
            })
            .collect()
    }
}

/// The `serialize_with` of [`crate::Model::flows`].
pub(crate) fn serialize<S: Serializer>(flows: &[Flow], s: S) -> Result<S::Ok, S::Error> {
    FlowTable::of(flows).serialize(s)
}

/// Reads the `flows` section.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Flow>, D::Error> {
    FlowTable::deserialize(d)?.flows().map_err(D::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EndpointKind, FlowReason, Origin, Protocol};

    fn endpoint(name: &str) -> Arc<Endpoint> {
        Arc::new(Endpoint {
            kind: EndpointKind::Host,
            name: name.to_string(),
            prefixes: vec![],
            zones: vec![],
        })
    }

    fn flow(from: &str, to: &str) -> Flow {
        Flow {
            from: endpoint(from),
            to: endpoint(to),
            service: Arc::new(PortSpec {
                protocol: Protocol::Any,
                ports: vec![],
            }),
            provenance: Arc::new(FlowOrigin {
                reason: FlowReason::Rule,
                name: "r".to_string(),
                origin: Origin::default(),
            }),
        }
    }

    #[test]
    fn equal_values_share_an_entry_and_read_back() {
        let flows = vec![flow("a", "b"), flow("b", "c"), flow("a", "c")];
        let table = FlowTable::of(&flows);
        let names: Vec<&str> = table.endpoints.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!((table.services.len(), table.provenances.len()), (1, 1));
        let again = table.flows().expect("indices in range");
        assert_eq!(again, flows);
        assert!(Arc::ptr_eq(&again[0].from, &again[2].from));
    }

    #[test]
    fn an_index_outside_its_table_is_named() {
        let mut table = FlowTable::of(&[flow("a", "b")]);
        table.matrix[0].to = 7;
        let err = table.flows().expect_err("endpoint 7 does not exist");
        assert_eq!(
            err,
            "flows.matrix[0]: endpoint 7 is not in the table of 2 endpoints"
        );
    }
}
