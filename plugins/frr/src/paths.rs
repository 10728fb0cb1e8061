//! JSON pointers into the IR for diagnostics: the most specific element the user wrote.
//!
//! A link end's OSPF settings, address and port name come from the `link` declaration, so
//! they point into `/links/L/…`; everything else points into the device's interface.

use infrac_sdk::{Interface, Model};

/// Where one interface of one device sits in the IR.
#[derive(Clone, Copy)]
pub struct InterfaceAt<'m> {
    /// Index of the device in `model.devices`.
    pub device: usize,
    /// Index of the interface in the device's `interfaces`.
    pub interface: usize,
    /// The interface itself.
    pub iface: &'m Interface,
    /// The link it ends, with the index of the link and of this side, when it is a link end
    /// (and the link lists it).
    pub link: Option<(usize, usize)>,
}

impl<'m> InterfaceAt<'m> {
    /// Locates interface `interface` of device `device`, finding its link side if it has one.
    pub fn new(model: &'m Model, device: usize, interface: usize, iface: &'m Interface) -> Self {
        let device_name = model.devices.get(device).map(|d| d.name.as_str());
        let link = iface.link.as_deref().and_then(|name| {
            let (l, link) = model
                .links
                .iter()
                .enumerate()
                .find(|(_, l)| l.name == name)?;
            let side = link.sides.iter().position(|s| {
                Some(s.device.as_str()) == device_name && s.interface == iface.name
            })?;
            Some((l, side))
        });
        InterfaceAt {
            device,
            interface,
            iface,
            link,
        }
    }

    /// The interface itself: `/devices/D/interfaces/I`.
    pub fn path(&self) -> String {
        format!("/devices/{}/interfaces/{}", self.device, self.interface)
    }

    /// A field of the interface: `/devices/D/interfaces/I/FIELD`.
    pub fn field(&self, field: &str) -> String {
        format!("{}/{field}", self.path())
    }

    /// Where the OS name comes from: the link side's `interface`, else the interface's `port`
    /// (or `vlan` for a VLAN sub-interface, whose name is derived from its VLAN id).
    pub fn name_path(&self, from_vlan: bool) -> String {
        match self.link {
            Some((l, s)) => format!("/links/{l}/sides/{s}/interface"),
            None if from_vlan => self.field("vlan"),
            None => self.field("port"),
        }
    }

    /// Where the address comes from: the link's `transit`, else the interface's `address`.
    pub fn address_path(&self) -> String {
        match self.link {
            Some((l, _)) => format!("/links/{l}/transit"),
            None => self.field("address"),
        }
    }

    /// An OSPF setting: the link's `ospf/FIELD`, else the interface's `ospf/FIELD`.
    pub fn ospf_path(&self, field: &str) -> String {
        match self.link {
            Some((l, _)) => format!("/links/{l}/ospf/{field}"),
            None => self.field(&format!("ospf/{field}")),
        }
    }
}
