//! Presets that extend another (spec §7.3): what an extends file says, how it changes its base,
//! and how one is written from a base and the scenario it should give.
//!
//! ```ron
//! (
//!     extends: "actual-2025",
//!     meta: (name: "Galaxy Helios 2026", sources: { "galaxy": "…" }),
//!     remove: ["ddtl3", "openai_3"],
//!     add: (sites: [(id: "galaxy", …)], contracts: [ … ]),
//!     changes: { "rates.sofr_pct": "4.0", "denton.online": "2026-02" },
//! )
//! ```
//!
//! This module only changes scenarios. Reading the base (a shipped stem, or a file relative to the
//! extending one) and following a chain of bases is [`super::preset::resolve_preset`]'s, which
//! takes the reading of files as a callback so the model stays free of I/O.
//!
//! Choices the spec left open:
//! - `changes` values are strings only, exactly as `--set` takes them (`"4.0"`, `"2026-02"`,
//!   `"Truncate"`): one reader for both, and money stays exact (a bare RON number goes through
//!   `f64`). They apply in the order written, though no lever's range depends on another's.
//! - Removing an item also drops the `meta.sources` notes keyed by its id or one of its lever
//!   paths (validation would refuse notes that name nothing), unless `add` brings back an item
//!   with that id. The extending file's own notes are merged last and win.
//! - `meta.format_version` is optional; the result declares the higher of the base's and the
//!   file's. An extends file never needs to declare 2 for the v2 fields it adds: it is not a
//!   scenario an older build could half-read, and the writer of the resolved scenario declares
//!   what it needs ([`super::to_ron`]).
//! - The capex profile, the Monte Carlo set-up and `reported` entries already in the base are not
//!   items with ids and not levers: an extends file keeps them as the base has them (it can only
//!   append `reported` entries). [`unchangeable_differences`] says when a scenario needs more.

use std::collections::{HashMap, HashSet};
use std::fmt;

use ron::extensions::Extensions;
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::levers::{LeverError, LeverValue, levers, set_lever, set_lever_text};
use super::money::one_line;
use super::scenario::{
    Contract, Covenant, CustomerCut, DeliveryPartner, EquityRaise, Facility, Meta, Reported,
    Scenario, Site,
};

/// How many extends files a chain may hold above the preset it ends on: enough for a family of
/// scenarios built on each other, and a bound on a chain that only a mistake would make long.
pub const MAX_EXTENDS_DEPTH: usize = 8;

/// Runs `$each!(field)` for every list section whose items have an `id`, in preset order, so
/// `remove`, `add` and [`changes_against`] treat every list alike. A new list is one line here
/// (and one field in [`Additions`]).
macro_rules! for_each_id_list {
    ($each:ident) => {
        $each!(contracts);
        $each!(customer_cuts);
        $each!(partners);
        $each!(sites);
        $each!(facilities);
        $each!(equity);
        $each!(covenants);
    };
}

/// A preset that names its base instead of repeating it. It resolves as base, `remove`, `add`,
/// `changes` (see [`ExtendsFile::apply`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtendsFile {
    /// A shipped preset's stem (`actual-2025`), or a file's path relative to this file.
    pub extends: String,
    #[serde(default, skip_serializing_if = "MetaPatch::is_empty")]
    pub meta: MetaPatch,
    /// Ids of items of any list section, removed from the base.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<String>,
    /// Items in the normal preset syntax, appended to their lists.
    #[serde(default, skip_serializing_if = "Additions::is_empty")]
    pub add: Additions,
    /// Lever paths and values, as `--set PATH=VALUE` takes them.
    #[serde(default, skip_serializing_if = "TextMap::is_empty")]
    pub changes: TextMap,
}

/// An extends file's `meta`: every field optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetaPatch {
    /// Replaces the base's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Replaces the base's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format_version: Option<u32>,
    /// Merged into the base's notes; a key both have takes this file's note.
    #[serde(default, skip_serializing_if = "TextMap::is_empty")]
    pub sources: TextMap,
}

impl MetaPatch {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    fn apply(&self, meta: &mut Meta) {
        if let Some(name) = &self.name {
            meta.name.clone_from(name);
        }
        if let Some(description) = &self.description {
            meta.description.clone_from(description);
        }
        if let Some(version) = self.format_version {
            meta.format_version = meta.format_version.max(version);
        }
        for (key, note) in &self.sources.0 {
            meta.sources.insert(key.clone(), note.clone());
        }
    }
}

/// Items an extends file appends, by list section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Additions {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contracts: Vec<Contract>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub customer_cuts: Vec<CustomerCut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partners: Vec<DeliveryPartner>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<Site>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facilities: Vec<Facility>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub equity: Vec<EquityRaise>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub covenants: Vec<Covenant>,
    /// Reported figures have no ids: they can be appended, not removed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reported: Vec<Reported>,
}

impl Additions {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A map from text to text that keeps the order it was written in (`changes` apply in that
/// order) and refuses a key given twice: a map would keep only the last value, and the other
/// would vanish without a word.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextMap(pub Vec<(String, String)>);

impl TextMap {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for TextMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for TextMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;

        impl<'de> Visitor<'de> for Entries {
            type Value = TextMap;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of quoted texts, `{ \"rates.sofr_pct\": \"4.0\" }`")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TextMap, A::Error> {
                let mut entries: Vec<(String, String)> = Vec::new();
                // Checked before the value is read, so the error points at the repeated key.
                while let Some(key) = map.next_key::<String>()? {
                    if entries.iter().any(|(seen, _)| *seen == key) {
                        return Err(de::Error::custom(format_args!(
                            "the key `{}` is given twice",
                            one_line(&key)
                        )));
                    }
                    let value = map.next_value::<String>()?;
                    entries.push((key, value));
                }
                Ok(TextMap(entries))
            }
        }

        deserializer.deserialize_map(Entries)
    }
}

/// Why an extends file does not fit its base. The resolver adds the file's name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    #[error("remove: no item has the id `{}`", one_line(id))]
    NoSuchId { id: String },
    #[error("remove: `{}` is listed twice", one_line(id))]
    RemovedTwice { id: String },
    #[error(
        "add.{list}: the id `{}` is already used (remove the item first to replace it)",
        one_line(id)
    )]
    IdClash { list: &'static str, id: String },
    #[error("changes[{path:?}]: unknown lever")]
    UnknownLever { path: String },
    #[error("changes[{path:?}]: {}", one_line(message))]
    BadChange { path: String, message: String },
}

impl ExtendsFile {
    /// Turns `scenario`, this file's base already resolved, into this file's scenario: `remove`,
    /// then `add`, then `changes`; then the notes of removed items go and `meta` applies.
    /// The result is not validated here.
    pub fn apply(&self, scenario: &mut Scenario) -> Result<(), ApplyError> {
        let mut removed: Vec<&str> = Vec::new();
        for id in &self.remove {
            if removed.contains(&id.as_str()) {
                return Err(ApplyError::RemovedTwice { id: id.clone() });
            }
            if !remove_item(scenario, id) {
                return Err(ApplyError::NoSuchId { id: id.clone() });
            }
            removed.push(id);
        }
        append(scenario, &self.add)?;
        for (path, value) in &self.changes.0 {
            set_lever_text(scenario, path, value).map_err(|error| match error {
                LeverError::UnknownPath { .. } => ApplyError::UnknownLever { path: path.clone() },
                LeverError::BadValue { message, .. } => ApplyError::BadChange {
                    path: path.clone(),
                    message,
                },
            })?;
        }
        if !removed.is_empty() {
            let ids: HashSet<String> = item_ids(scenario).into_iter().map(str::to_owned).collect();
            scenario.meta.sources.retain(|key, _| {
                let item = key.split('.').next().unwrap_or_default();
                !removed.contains(&item) || ids.contains(item)
            });
        }
        self.meta.apply(&mut scenario.meta);
        Ok(())
    }

    /// The file's RON text, as a preset is written (money quoted); reading it back gives an equal
    /// file.
    pub fn to_ron(&self) -> Result<String, ron::Error> {
        // One level deeper than a scenario's writer: added items sit inside `add`.
        let pretty = ron::ser::PrettyConfig::new()
            .depth_limit(5)
            .indentor("    ")
            .struct_names(false);
        ron::Options::default()
            .with_default_extension(Extensions::IMPLICIT_SOME)
            .to_string_pretty(self, pretty)
    }
}

/// Removes the item with `id` from whichever list holds it; false if none does.
fn remove_item(scenario: &mut Scenario, id: &str) -> bool {
    macro_rules! remove_from {
        ($list:ident) => {
            if let Some(at) = scenario.$list.iter().position(|item| item.id == id) {
                scenario.$list.remove(at);
                return true;
            }
        };
    }
    for_each_id_list!(remove_from);
    false
}

/// The ids of every item of every list.
fn item_ids(scenario: &Scenario) -> HashSet<&str> {
    let mut ids = HashSet::new();
    macro_rules! collect {
        ($list:ident) => {
            ids.extend(scenario.$list.iter().map(|item| item.id.as_str()));
        };
    }
    for_each_id_list!(collect);
    ids
}

/// Appends `add`'s items; an id already in use (by the base or an earlier added item) is refused
/// here rather than by validation, so the error names `add`.
fn append(scenario: &mut Scenario, add: &Additions) -> Result<(), ApplyError> {
    let mut ids: HashSet<String> = item_ids(scenario).into_iter().map(str::to_owned).collect();
    macro_rules! append_to {
        ($list:ident) => {
            for item in &add.$list {
                if !ids.insert(item.id.clone()) {
                    return Err(ApplyError::IdClash {
                        list: stringify!($list),
                        id: item.id.clone(),
                    });
                }
                scenario.$list.push(item.clone());
            }
        };
    }
    for_each_id_list!(append_to);
    scenario.reported.extend(add.reported.iter().cloned());
    Ok(())
}

/// The extends file that turns `base` into `current`, naming the base `base_name` (a shipped
/// stem, or a path relative to where the file will be written).
///
/// - `changes` holds every lever whose value differs once `remove` and `add` are applied, in
///   registry order.
/// - In each list, the items `current` has at its start, in the base's order and differing from
///   the base's only in lever values, are kept; every other base item is removed and every other
///   current item added. An item whose other fields differ (a customer's name, a facility's kind
///   of rate) is thus removed and added, and so is any item after it, since added items go at
///   the end of their list.
/// - `meta` holds the name and description where they differ, and the notes that are new or
///   different.
///
/// What an extends file cannot say ([`unchangeable_differences`]) is left out: then resolving the
/// file does not give `current` back, which a writer should check (the app does).
pub fn changes_against(base: &Scenario, current: &Scenario, base_name: &str) -> ExtendsFile {
    // The base's items with the current lever values, so that an item whose levers moved can be
    // told from one whose other fields changed. A path the base lacks is an added item's.
    let mut moved = base.clone();
    for lever in levers(current) {
        let _ = set_lever(&mut moved, &lever.path, &lever.value);
    }
    let mut file = ExtendsFile {
        extends: base_name.to_owned(),
        ..ExtendsFile::default()
    };
    macro_rules! diff {
        ($list:ident) => {
            let (removed, added) = diff_list(&base.$list, &moved.$list, &current.$list, |item| {
                item.id.as_str()
            });
            file.remove.extend(removed);
            file.add.$list = added;
        };
    }
    for_each_id_list!(diff);
    if let Some(appended) = current.reported.strip_prefix(base.reported.as_slice()) {
        file.add.reported = appended.to_vec();
    }

    let mut applied = base.clone();
    if file.apply(&mut applied).is_err() {
        // Cannot happen (every removed id is the base's, every added one new), and if it did
        // the writer's check would refuse the file: the changes are then left empty.
        return file;
    }
    // Set one by one, in registry order: a lever whose value follows another's (a covenant's
    // `until` follows the horizon until it is set) is written only if it still differs.
    let values = |scenario: &Scenario| -> HashMap<String, LeverValue> {
        levers(scenario)
            .into_iter()
            .map(|lever| (lever.path, lever.value))
            .collect()
    };
    let mut before = values(&applied);
    for lever in levers(current) {
        if before.get(&lever.path) != Some(&lever.value) {
            let _ = set_lever(&mut applied, &lever.path, &lever.value);
            before = values(&applied);
            file.changes.0.push((lever.path, lever.value.to_string()));
        }
    }

    let (was, now) = (&applied.meta, &current.meta);
    file.meta = MetaPatch {
        name: (now.name != was.name).then(|| now.name.clone()),
        description: (now.description != was.description).then(|| now.description.clone()),
        format_version: (now.format_version > was.format_version).then_some(now.format_version),
        sources: TextMap(
            now.sources
                .iter()
                .filter(|(key, note)| was.sources.get(*key) != Some(*note))
                .map(|(key, note)| (key.clone(), note.clone()))
                .collect(),
        ),
    };
    file
}

/// Which of a list's base items to remove (their ids) and which current items to add, so that
/// the base list less the removed items, plus the added ones, is `current` once its levers are
/// set. `moved` is the base list with the current lever values, item for item.
fn diff_list<T: Clone + PartialEq>(
    base: &[T],
    moved: &[T],
    current: &[T],
    id: impl Fn(&T) -> &str,
) -> (Vec<String>, Vec<T>) {
    let mut kept = vec![false; base.len()];
    // Kept items must come in the base's order: the next one is looked for after the last.
    let mut next_in_base = 0;
    let mut first_added = current.len();
    for (at, item) in current.iter().enumerate() {
        let found = base
            .iter()
            .position(|candidate| id(candidate) == id(item))
            .filter(|&p| p >= next_in_base && moved.get(p) == Some(item));
        let Some(p) = found else {
            first_added = at;
            break;
        };
        if let Some(flag) = kept.get_mut(p) {
            *flag = true;
        }
        next_in_base = p + 1;
    }
    let removed = base
        .iter()
        .zip(&kept)
        .filter(|(_, kept)| !**kept)
        .map(|(item, _)| id(item).to_owned())
        .collect();
    let added = current.get(first_added..).unwrap_or_default().to_vec();
    (removed, added)
}

/// The parts in which `current` differs from `base` that an extends file cannot say: these are
/// neither levers nor items with ids. Empty when [`changes_against`] gives `current` back.
pub fn unchangeable_differences(base: &Scenario, current: &Scenario) -> Vec<&'static str> {
    let mut parts = Vec::new();
    if base.capex.profile != current.capex.profile {
        parts.push("the capex profile");
    }
    if base.montecarlo != current.montecarlo {
        parts.push("the Monte Carlo set-up");
    }
    if !current.reported.starts_with(&base.reported) {
        parts.push("the reported figures (an extends file can only append them)");
    }
    let notes_gone = base.meta.sources.keys().any(|key| {
        let item = key.split('.').next().unwrap_or_default();
        !current.meta.sources.contains_key(key) && kept_item(base, current, item)
    });
    if notes_gone {
        parts.push("source notes taken away (an extends file can only add or replace them)");
    }
    parts
}

/// Whether `item` (an id or a section name) is in both scenarios: a note on it cannot vanish.
fn kept_item(base: &Scenario, current: &Scenario, item: &str) -> bool {
    let (in_base, in_current) = (item_ids(base), item_ids(current));
    !in_base.contains(item) || in_current.contains(item)
}
