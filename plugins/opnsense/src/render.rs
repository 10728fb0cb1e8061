//! Writes the config.xml document from the planned sections.

use crate::carp::Vip;
use crate::filter::{Action, Addr, FilterRule};
use crate::interfaces::{Plan, Role};
use crate::nat::NatRule;
use crate::ospf::{MODEL_VERSION, OspfConfig};
use crate::uuid::{uuid, uuid_of};
use infrac_sdk::{PortRange, XmlWriter};

/// Everything one firewall's config.xml holds.
pub struct Config {
    /// Device name (the hostname).
    pub hostname: String,
    /// The project's domain.
    pub domain: String,
    /// NTP servers.
    pub timeservers: Vec<String>,
    /// Whether IPv6 rules need `<ipv6allow>` (else OPNsense blocks all IPv6).
    pub ipv6: bool,
    /// Interfaces and VLANs.
    pub plan: Plan,
    /// Filter rules, in order.
    pub rules: Vec<FilterRule>,
    /// Port forwards.
    pub nat: Vec<NatRule>,
    /// CARP VIPs.
    pub vips: Vec<Vip>,
    /// OSPF, when the firewall routes with it.
    pub ospf: Option<OspfConfig>,
}

/// Version attribute of the core MVC models written here (`vlans`, `virtualip`, `Gateways`).
const CORE_MODEL_VERSION: &str = "1.0.0";

fn bool01(b: bool) -> &'static str {
    if b { "1" } else { "0" }
}

/// The gateway name of an interface (`WAN_GW`).
pub fn gateway_name(ident: &str) -> String {
    format!("{}_GW", ident.to_uppercase())
}

impl Config {
    /// The document.
    pub fn to_xml(&self) -> String {
        let mut x = XmlWriter::new();
        x.open("opnsense", &[]);
        self.system(&mut x);
        self.interfaces(&mut x);
        self.vlans(&mut x);
        self.filter(&mut x);
        self.nat(&mut x);
        self.virtualip(&mut x);
        let gateways = self.plan.assigned.iter().any(|a| a.gateway.is_some());
        if gateways || self.ospf.is_some() {
            x.element("OPNsense", |x| {
                if gateways {
                    self.gateways(x);
                }
                if let Some(ospf) = &self.ospf {
                    self.quagga(x, ospf);
                }
            });
        }
        x.finish()
    }

    fn system(&self, x: &mut XmlWriter) {
        x.element("system", |x| {
            x.leaf("hostname", &self.hostname);
            x.leaf("domain", &self.domain);
            if !self.timeservers.is_empty() {
                x.leaf("timeservers", &self.timeservers.join(" "));
            }
            if self.ipv6 {
                x.leaf("ipv6allow", "1");
            }
        });
    }

    fn interfaces(&self, x: &mut XmlWriter) {
        x.element("interfaces", |x| {
            for a in &self.plan.assigned {
                x.element(&a.ident, |x| {
                    x.leaf("if", &a.device_if);
                    x.leaf("descr", &a.descr);
                    x.leaf("enable", "1");
                    if let Some(addr) = a.address {
                        let (ip, subnet, gw) = if addr.is_v4() {
                            ("ipaddr", "subnet", "gateway")
                        } else {
                            ("ipaddrv6", "subnetv6", "gatewayv6")
                        };
                        x.leaf(ip, &addr.addr.to_string());
                        x.leaf(subnet, &addr.len.to_string());
                        if a.gateway.is_some() {
                            x.leaf(gw, &gateway_name(&a.ident));
                        }
                    }
                });
            }
        });
    }

    fn vlans(&self, x: &mut XmlWriter) {
        if self.plan.vlans.is_empty() {
            return;
        }
        x.open("vlans", &[("version", CORE_MODEL_VERSION)]);
        for v in &self.plan.vlans {
            let id = uuid(&format!("{}/vlan/{}/{}", self.hostname, v.parent, v.tag));
            x.open("vlan", &[("uuid", &id)]);
            x.leaf("if", &v.parent);
            x.leaf("tag", &v.tag.to_string());
            x.leaf("pcp", "0");
            x.leaf("descr", &v.descr);
            x.leaf("vlanif", &v.device);
            x.close();
        }
        x.close();
    }

    /// `<source>` or `<destination>`; `text` is a scratch buffer.
    fn address(
        x: &mut XmlWriter,
        name: &str,
        addr: &Addr,
        port: Option<PortRange>,
        text: &mut String,
    ) {
        use std::fmt::Write as _;
        x.element(name, |x| {
            match addr {
                Addr::Any => x.leaf("any", ""),
                Addr::Net(n) => {
                    text.clear();
                    // Writing into a String cannot fail.
                    let _ = write!(text, "{n}");
                    x.leaf("address", text)
                }
                Addr::This => x.leaf("network", "(self)"),
            };
            if let Some(p) = port {
                text.clear();
                let _ = write!(text, "{p}");
                x.leaf("port", text);
            }
        });
    }

    fn filter(&self, x: &mut XmlWriter) {
        let mut text = String::new();
        x.element("filter", |x| {
            for r in &self.rules {
                let id = uuid_of(format_args!("{}/filter/{}", self.hostname, r.key()));
                x.open("rule", &[("uuid", &id)]);
                let pass = r.action == Action::Pass;
                x.leaf("type", if pass { "pass" } else { "block" });
                x.leaf("interface", &r.interface);
                x.leaf(
                    "ipprotocol",
                    r.family.map(|f| f.ipprotocol()).unwrap_or("inet46"),
                );
                if pass {
                    x.leaf("statetype", "keep state");
                }
                x.leaf("direction", "in");
                if let Some(p) = &r.protocol {
                    x.leaf("protocol", p);
                }
                Self::address(x, "source", &r.source, None, &mut text);
                Self::address(x, "destination", &r.destination, r.port, &mut text);
                r.descr_into(&mut text);
                x.leaf("descr", &text);
                x.close();
            }
        });
    }

    fn nat(&self, x: &mut XmlWriter) {
        if self.nat.is_empty() {
            return;
        }
        x.element("nat", |x| {
            for (i, n) in self.nat.iter().enumerate() {
                let id = uuid(&format!(
                    "{}/nat/{}/{}/{}/{}",
                    self.hostname, n.interface, n.protocol, n.external, n.port
                ));
                x.open("rule", &[("uuid", &id)]);
                x.leaf("sequence", &(i + 1).to_string());
                x.leaf("interface", &n.interface);
                x.leaf("ipprotocol", n.ipprotocol);
                x.leaf("protocol", n.protocol);
                x.element("source", |x| {
                    x.leaf("network", "any");
                });
                x.element("destination", |x| {
                    x.leaf("network", &n.external.to_string());
                    x.leaf("port", &n.port.to_string());
                });
                x.leaf("target", &n.target.to_string());
                x.leaf("local-port", &n.local_port.to_string());
                x.leaf("descr", &n.descr());
                x.close();
            }
        });
    }

    fn virtualip(&self, x: &mut XmlWriter) {
        if self.vips.is_empty() {
            return;
        }
        x.open("virtualip", &[("version", CORE_MODEL_VERSION)]);
        for v in &self.vips {
            let id = uuid(&format!("{}/vip/{}/{}", self.hostname, v.interface, v.vhid));
            x.open("vip", &[("uuid", &id)]);
            x.leaf("interface", &v.interface);
            x.leaf("mode", "carp");
            x.leaf("subnet", &v.address.addr.to_string());
            x.leaf("subnet_bits", &v.address.len.to_string());
            x.leaf("vhid", &v.vhid.to_string());
            x.leaf("advbase", "1");
            x.leaf("advskew", &v.advskew.to_string());
            x.leaf("password", &v.password);
            x.leaf("descr", &v.descr);
            x.close();
        }
        x.close();
    }

    fn gateways(&self, x: &mut XmlWriter) {
        x.open("Gateways", &[("version", CORE_MODEL_VERSION)]);
        for a in &self.plan.assigned {
            let Some(gw) = a.gateway else {
                continue;
            };
            let name = gateway_name(&a.ident);
            let id = uuid(&format!("{}/gateway/{name}", self.hostname));
            x.open("gateway_item", &[("uuid", &id)]);
            x.leaf("disabled", "0");
            x.leaf("name", &name);
            x.leaf("descr", &format!("{} upstream", a.descr));
            x.leaf("interface", &a.ident);
            x.leaf("ipprotocol", if gw.is_ipv4() { "inet" } else { "inet6" });
            x.leaf("gateway", &gw.to_string());
            // The first uplink of each family holds that family's default route.
            let first_of_family = self
                .plan
                .assigned
                .iter()
                .find(|b| {
                    b.role == Role::Wan && b.gateway.is_some_and(|g| g.is_ipv4() == gw.is_ipv4())
                })
                .is_some_and(|b| b.ident == a.ident);
            x.leaf("defaultgw", bool01(a.role == Role::Wan && first_of_family));
            x.leaf("fargw", "0");
            x.leaf("monitor_disable", "1");
            x.leaf("priority", "255");
            x.leaf("weight", "1");
            x.close();
        }
        x.close();
    }

    fn quagga(&self, x: &mut XmlWriter, ospf: &OspfConfig) {
        x.element("quagga", |x| {
            x.open("general", &[("version", MODEL_VERSION)]);
            x.leaf("enabled", "1");
            x.leaf("profile", "traditional");
            x.leaf("enablecarp", "0");
            x.leaf("enablesyslog", "1");
            x.leaf("enablesnmp", "0");
            x.leaf("sysloglevel", "notifications");
            // The filter rules OSPF needs are rendered explicitly (os-frr's automatic rules
            // cover `networks` entries only, which infrac does not use).
            x.leaf("fwrules", "0");
            x.leaf("manual_config", "0");
            x.close();
            x.open("ospf", &[("version", MODEL_VERSION)]);
            x.leaf("enabled", "1");
            x.leaf("carp_demote", "0");
            x.leaf("routerid", &ospf.router_id.to_string());
            x.leaf("logadjacencychanges", "0");
            x.leaf("originate", "0");
            x.leaf("originatealways", "0");
            x.element("areas", |x| {
                for a in &ospf.areas {
                    x.open("area", &[("uuid", &a.uuid)]);
                    x.leaf("enabled", "1");
                    x.leaf("id", &a.id);
                    x.close();
                }
            });
            x.element("interfaces", |x| {
                for i in &ospf.interfaces {
                    x.open("interface", &[("uuid", &i.uuid)]);
                    x.leaf("enabled", "1");
                    x.leaf("interfacename", &i.interface);
                    x.leaf("passive", bool01(i.passive));
                    if let Some(key) = &i.auth {
                        x.leaf("authtype", "message-digest");
                        x.leaf("authkey", key);
                    }
                    x.leaf("authkey_id", "1");
                    x.leaf("area", &i.area);
                    if let Some(c) = i.cost {
                        x.leaf("cost", &c.to_string());
                    }
                    if let Some(h) = i.hello {
                        x.leaf("hellointerval", &h.to_string());
                    }
                    if let Some(d) = i.dead {
                        x.leaf("deadinterval", &d.to_string());
                    }
                    if i.point_to_point {
                        x.leaf("networktype", "point-to-point");
                    }
                    x.close();
                }
            });
            if !ospf.redistribute.is_empty() {
                x.element("redistributions", |x| {
                    for r in &ospf.redistribute {
                        let id = uuid(&format!("{}/ospf/redistribution/{r}", self.hostname));
                        x.open("redistribution", &[("uuid", &id)]);
                        x.leaf("enabled", "1");
                        x.leaf("description", &format!("infrac: redistribute {r}"));
                        x.leaf("redistribute", r);
                        x.close();
                    }
                });
            }
            x.close();
        });
    }
}
