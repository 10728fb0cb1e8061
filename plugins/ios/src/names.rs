//! Names as IOS writes them: interface names in full (`Gi0/1` → `GigabitEthernet0/1`) and in
//! IOS's own order, VLAN names, hostnames, descriptions, remarks and VLAN lists.

/// Interface types IOS knows, in the order its running configuration lists them, with the
/// abbreviations people write.
const INTERFACE_TYPES: &[(&str, &[&str])] = &[
    ("Loopback", &["lo", "loop"]),
    ("Tunnel", &["tu", "tun"]),
    ("Port-channel", &["po", "port-channel", "portchannel"]),
    ("Serial", &["se", "ser"]),
    ("Ethernet", &["e", "et", "eth"]),
    ("FastEthernet", &["f", "fa", "fas"]),
    ("GigabitEthernet", &["g", "gi", "gig", "ge"]),
    ("TwoGigabitEthernet", &["tw", "two"]),
    ("FiveGigabitEthernet", &["fi", "fiv"]),
    ("TenGigabitEthernet", &["te", "ten"]),
    ("TwentyFiveGigE", &["twe", "twentyfivegigabitethernet"]),
    ("FortyGigabitEthernet", &["fo", "for"]),
    ("HundredGigE", &["hu", "hundredgigabitethernet"]),
    ("Vlan", &["vl", "vlan"]),
];

/// An interface name in IOS's full form, with the key that sorts it as IOS does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IosInterface {
    /// Full name, e.g. `GigabitEthernet0/1.10`.
    pub name: String,
    /// Sort key: type rank, then the numbers of the slot/port path, then the sub-interface.
    pub order: (usize, Vec<u32>, u32),
}

/// The full IOS name of an interface written as `written` (`Gi0/1`, `gigabitethernet1/0/3`,
/// `Vlan10`, `Gi0/0.20`), or `None` when IOS knows no such interface type or the numbering is
/// not IOS's (`eth0`, `vtnet1`, `Gi0//1`).
pub fn interface(written: &str) -> Option<IosInterface> {
    let split = written
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(written.len());
    let (kind, numbers) = written.split_at(split);
    let kind = kind.trim_end().to_ascii_lowercase();
    if kind.is_empty() || numbers.is_empty() {
        return None;
    }
    let rank = INTERFACE_TYPES.iter().position(|(full, aliases)| {
        full.to_ascii_lowercase() == kind || aliases.contains(&kind.as_str())
    })?;
    let (full, _) = INTERFACE_TYPES.get(rank)?;
    let (path, sub) = match numbers.split_once('.') {
        Some((p, s)) => (p, Some(s)),
        None => (numbers, None),
    };
    let mut nums = Vec::new();
    for part in path.split('/') {
        nums.push(number(part)?);
    }
    let sub = match sub {
        Some(s) => number(s)?,
        None => 0,
    };
    let vlan_id = match nums.as_slice() {
        [id] => Some(*id),
        _ => None,
    };
    if *full == "Vlan" && (sub != 0 || !vlan_id.is_some_and(|id| (1..=4094).contains(&id))) {
        return None;
    }
    Some(IosInterface {
        name: format!("{full}{numbers}"),
        order: (rank, nums, sub),
    })
}

/// A decimal number without sign or leading zeros (IOS prints `0/1`, never `00/1`).
fn number(text: &str) -> Option<u32> {
    if text.is_empty()
        || !text.bytes().all(|b| b.is_ascii_digit())
        || (text.len() > 1 && text.starts_with('0'))
    {
        return None;
    }
    text.parse().ok()
}

/// Longest VLAN name IOS accepts.
pub const VLAN_NAME_MAX: usize = 32;

/// A zone name as an IOS VLAN name: characters IOS would split or reject (space, `?`, quotes,
/// control characters, anything outside printable ASCII) become `_`. `None` when the result
/// would be empty or longer than 32 characters: truncating could make two VLANs look alike.
pub fn vlan_name(zone: &str) -> Option<String> {
    let name: String = zone
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    (!name.is_empty() && name.len() <= VLAN_NAME_MAX).then_some(name)
}

/// Whether `name` is a valid IOS hostname: letters, digits and hyphens, starting with a letter,
/// ending with a letter or digit, at most 63 characters.
pub fn valid_hostname(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

/// Whether `word` can stand as one token of an IOS command (a user name, a domain name): not
/// empty, printable ASCII without spaces or `?`, at most `max` characters.
pub fn valid_word(word: &str, max: usize) -> bool {
    !word.is_empty() && word.len() <= max && word.bytes().all(|b| b.is_ascii_graphic() && b != b'?')
}

/// Longest interface description IOS keeps.
pub const DESCRIPTION_MAX: usize = 240;
/// Longest access-list remark IOS keeps.
pub const REMARK_MAX: usize = 100;

/// Free text as one line of at most `max` characters: control characters become spaces, runs
/// of spaces collapse, and text beyond `max` is cut (descriptions and remarks are comments; IOS
/// itself refuses longer ones).
pub fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        if out.chars().count() == max {
            break;
        }
        out.push(c);
    }
    out.trim_end().to_string()
}

/// VLAN ids as IOS lists them: sorted, runs of three or more as `a-b`, e.g. `10-12,20,21`.
/// Returns the items; callers join them with commas.
pub fn vlan_ranges(vlans: &[u16]) -> Vec<String> {
    let mut sorted = vlans.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut items = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while sorted
            .get(j + 1)
            .is_some_and(|&n| Some(&(n - 1)) == sorted.get(j))
        {
            j += 1;
        }
        let (Some(first), Some(last)) = (sorted.get(i), sorted.get(j)) else {
            break;
        };
        if j >= i + 2 {
            items.push(format!("{first}-{last}"));
        } else {
            for n in sorted.get(i..=j).unwrap_or_default() {
                items.push(n.to_string());
            }
        }
        i = j + 1;
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interface_names() {
        let gi = interface("Gi0/1").unwrap();
        assert_eq!(gi.name, "GigabitEthernet0/1");
        assert_eq!(interface("gi1/0/3").unwrap().name, "GigabitEthernet1/0/3");
        assert_eq!(interface("Vlan10").unwrap().name, "Vlan10");
        assert_eq!(
            interface("Te1/1/1").unwrap().name,
            "TenGigabitEthernet1/1/1"
        );
        assert_eq!(interface("Gi0/0.20").unwrap().name, "GigabitEthernet0/0.20");
        assert_eq!(interface("Po1").unwrap().name, "Port-channel1");
        assert!(interface("eth0").unwrap().name == "Ethernet0");
        assert_eq!(interface("vtnet1"), None);
        assert_eq!(interface("Gi0//1"), None);
        assert_eq!(interface("Gi00/1"), None);
        assert_eq!(interface("Vlan0"), None);
        assert_eq!(interface("Gi"), None);
        // IOS order: numerically, physical before Vlan, sub-interfaces after their parent.
        let mut names = ["Vlan10", "Gi0/10", "Gi0/2", "Gi0/2.5", "Gi1/0", "Lo0"];
        names.sort_by_key(|n| interface(n).unwrap().order);
        assert_eq!(
            names,
            ["Lo0", "Gi0/2", "Gi0/2.5", "Gi0/10", "Gi1/0", "Vlan10"]
        );
    }

    #[test]
    fn vlan_names_and_words() {
        assert_eq!(vlan_name("mgmt").as_deref(), Some("mgmt"));
        assert_eq!(vlan_name("a b?c").as_deref(), Some("a_b_c"));
        assert_eq!(vlan_name(&"x".repeat(33)), None);
        assert_eq!(vlan_name(""), None);
        assert!(valid_hostname("sw1") && valid_hostname("core-a1"));
        assert!(!valid_hostname("1sw") && !valid_hostname("sw_1") && !valid_hostname("sw-"));
        assert!(valid_word("admin", 64) && !valid_word("ad min", 64) && !valid_word("", 64));
    }

    #[test]
    fn text_lines() {
        assert_eq!(
            one_line("SIP \"PBX\"\nline two", 240),
            "SIP \"PBX\" line two"
        );
        assert_eq!(one_line("abcdef", 3), "abc");
        assert_eq!(one_line("  a\t\tb ", 10), "a b");
    }

    #[test]
    fn ranges() {
        assert_eq!(
            vlan_ranges(&[12, 10, 11, 20, 21, 30]),
            ["10-12", "20", "21", "30"]
        );
        assert_eq!(vlan_ranges(&[]), Vec::<String>::new());
        assert_eq!(vlan_ranges(&[1, 2, 3, 4, 4094]), ["1-4", "4094"]);
    }
}
