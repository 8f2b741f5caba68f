//! [`ValueMap`]: the attributes of an object value and the elements of a map value.
//!
//! A sorted vector of entries with the part of `BTreeMap`'s interface the engine uses. Objects
//! and maps in configurations and state are small (a handful of attributes), and there are many
//! of them: a `BTreeMap` allocates a node of eleven slots for even one entry (over a kilobyte
//! with `Value`'s size), a vector exactly what it holds. Lookups are binary searches; keys stay in
//! lexical byte order, as `BTreeMap` keeps them, so iteration order is unchanged.

use std::collections::BTreeMap;
use std::fmt;

use crate::value::Value;

/// Entries sorted by key, keys unique.
#[derive(Clone, Default, PartialEq)]
pub struct ValueMap {
    entries: Vec<(String, Value)>,
}

pub type Iter<'a> = std::iter::Map<
    std::slice::Iter<'a, (String, Value)>,
    fn(&'a (String, Value)) -> (&'a String, &'a Value),
>;
pub type IterMut<'a> = std::iter::Map<
    std::slice::IterMut<'a, (String, Value)>,
    fn(&'a mut (String, Value)) -> (&'a String, &'a mut Value),
>;
pub type Keys<'a> =
    std::iter::Map<std::slice::Iter<'a, (String, Value)>, fn(&'a (String, Value)) -> &'a String>;
pub type Values<'a> =
    std::iter::Map<std::slice::Iter<'a, (String, Value)>, fn(&'a (String, Value)) -> &'a Value>;
pub type ValuesMut<'a> = std::iter::Map<
    std::slice::IterMut<'a, (String, Value)>,
    fn(&'a mut (String, Value)) -> &'a mut Value,
>;

impl ValueMap {
    pub fn new() -> ValueMap {
        ValueMap::default()
    }
    pub fn with_capacity(n: usize) -> ValueMap {
        ValueMap {
            entries: Vec::with_capacity(n),
        }
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }
    pub fn get_key_value(&self, key: &str) -> Option<(&String, &Value)> {
        self.find(key).ok().map(|i| {
            let (k, v) = &self.entries[i];
            (k, v)
        })
    }
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }
    /// Sets `key`, returning the value it had.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.grow();
                self.entries.insert(i, (key, value));
                None
            }
        }
    }
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }
    pub fn remove_entry(&mut self, key: &str) -> Option<(String, Value)> {
        self.find(key).ok().map(|i| self.entries.remove(i))
    }
    /// The value at `key`, inserted by `default` first when missing.
    pub fn entry_or_insert_with(
        &mut self,
        key: String,
        default: impl FnOnce() -> Value,
    ) -> &mut Value {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.grow();
                self.entries.insert(i, (key, default()));
                i
            }
        };
        &mut self.entries[i].1
    }
    /// Room for one more entry: exactly one while the map is small (most objects are, and a
    /// vector's doubling would leave half of them empty), doubling beyond that (so that building
    /// a large map stays linear).
    fn grow(&mut self) {
        if self.entries.len() == self.entries.capacity() {
            if self.entries.len() < 16 {
                self.entries.reserve_exact(1);
            } else {
                self.entries.reserve(1);
            }
        }
    }
    pub fn iter(&self) -> Iter<'_> {
        self.entries.iter().map(|(k, v)| (k, v))
    }
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }
    pub fn keys(&self) -> Keys<'_> {
        self.entries.iter().map(|(k, _)| k)
    }
    pub fn values(&self) -> Values<'_> {
        self.entries.iter().map(|(_, v)| v)
    }
    pub fn values_mut(&mut self) -> ValuesMut<'_> {
        self.entries.iter_mut().map(|(_, v)| v)
    }
    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = String> + ExactSizeIterator {
        self.entries.into_iter().map(|(k, _)| k)
    }
    pub fn into_values(self) -> impl DoubleEndedIterator<Item = Value> + ExactSizeIterator {
        self.entries.into_iter().map(|(_, v)| v)
    }
    pub fn first_key_value(&self) -> Option<(&String, &Value)> {
        self.entries.first().map(|(k, v)| (k, v))
    }
    pub fn last_key_value(&self) -> Option<(&String, &Value)> {
        self.entries.last().map(|(k, v)| (k, v))
    }
    pub fn retain(&mut self, mut f: impl FnMut(&String, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| f(k, v))
    }
    pub fn clear(&mut self) {
        self.entries.clear()
    }
    /// Moves every entry of `other` in, overwriting equal keys (as `BTreeMap::append`).
    pub fn append(&mut self, other: &mut ValueMap) {
        for (k, v) in std::mem::take(&mut other.entries) {
            self.insert(k, v);
        }
    }
    /// Gives back memory the vector holds beyond its entries.
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit()
    }
    /// Builds from entries in any order; of equal keys the last wins (as collecting a
    /// `BTreeMap` does).
    fn from_vec(mut entries: Vec<(String, Value)>) -> ValueMap {
        if !entries.windows(2).all(|w| w[0].0 < w[1].0) {
            // Stable: equal keys keep their order, and the dedup below keeps the last.
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out: Vec<(String, Value)> = Vec::with_capacity(entries.len());
            for e in entries {
                match out.last_mut() {
                    Some(last) if last.0 == e.0 => *last = e,
                    _ => out.push(e),
                }
            }
            entries = out;
        }
        entries.shrink_to_fit();
        ValueMap { entries }
    }
}

impl fmt::Debug for ValueMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl FromIterator<(String, Value)> for ValueMap {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> ValueMap {
        ValueMap::from_vec(iter.into_iter().collect())
    }
}

impl Extend<(String, Value)> for ValueMap {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl IntoIterator for ValueMap {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a ValueMap {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut ValueMap {
    type Item = (&'a String, &'a mut Value);
    type IntoIter = IterMut<'a>;
    fn into_iter(self) -> IterMut<'a> {
        self.iter_mut()
    }
}

impl From<BTreeMap<String, Value>> for ValueMap {
    fn from(m: BTreeMap<String, Value>) -> ValueMap {
        ValueMap {
            entries: m.into_iter().collect(),
        }
    }
}

impl From<ValueMap> for BTreeMap<String, Value> {
    fn from(m: ValueMap) -> BTreeMap<String, Value> {
        m.entries.into_iter().collect()
    }
}

impl<const N: usize> From<[(String, Value); N]> for ValueMap {
    fn from(a: [(String, Value); N]) -> ValueMap {
        a.into_iter().collect()
    }
}

impl std::ops::Index<&str> for ValueMap {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        self.get(key).expect("no entry found for key")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_keys_sorted_and_unique() {
        let mut m = ValueMap::new();
        assert_eq!(m.insert("b".into(), Value::int(2)), None);
        assert_eq!(m.insert("a".into(), Value::int(1)), None);
        assert_eq!(m.insert("c".into(), Value::int(3)), None);
        assert_eq!(m.insert("b".into(), Value::int(4)), Some(Value::int(2)));
        assert_eq!(m.keys().cloned().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(m.get("b"), Some(&Value::int(4)));
        assert_eq!(m.remove("a"), Some(Value::int(1)));
        assert!(!m.contains_key("a"));
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn collecting_keeps_the_last_of_equal_keys() {
        let m: ValueMap = vec![
            ("z".to_string(), Value::int(1)),
            ("a".to_string(), Value::int(2)),
            ("z".to_string(), Value::int(3)),
        ]
        .into_iter()
        .collect();
        let b: BTreeMap<String, Value> = vec![
            ("z".to_string(), Value::int(1)),
            ("a".to_string(), Value::int(2)),
            ("z".to_string(), Value::int(3)),
        ]
        .into_iter()
        .collect();
        assert_eq!(BTreeMap::from(m.clone()), b);
        assert_eq!(format!("{m:?}"), format!("{b:?}"));
    }
}
