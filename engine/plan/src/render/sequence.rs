//! Sequence diffs for the plan renderer: Terraform's longest-common-subsequence diff of list
//! elements (`ctySequenceDiff`, where a removed object followed by an added one is shown as an
//! update of that object) and the line diff of multi-line strings (with `similar`).
//!
//! Both only pair up old and new items; how they are printed is `diff.rs`'s business.

use infra_core::Value;

use crate::model::Action;

/// Lists longer than this (product of both lengths) are diffed by common prefix and suffix only,
/// so that a huge list cannot make rendering quadratic in memory.
const LCS_LIMIT: usize = 4_000_000;

/// A line diff (deletions before insertions in each changed run, as Terraform prints them).
pub(super) fn line_diff<'s>(old: &[&'s str], new: &[&'s str]) -> Vec<(Action, &'s str)> {
    use similar::{capture_diff_slices, Algorithm, ChangeTag};
    let mut out = Vec::with_capacity(old.len().max(new.len()));
    let (mut deletes, mut inserts) = (Vec::new(), Vec::new());
    for op in capture_diff_slices(Algorithm::Myers, old, new) {
        for change in op.iter_changes(old, new) {
            match change.tag() {
                ChangeTag::Delete => deletes.push((Action::Delete, change.value())),
                ChangeTag::Insert => inserts.push((Action::Create, change.value())),
                ChangeTag::Equal => {
                    out.append(&mut deletes);
                    out.append(&mut inserts);
                    out.push((Action::NoOp, change.value()));
                }
            }
        }
    }
    out.append(&mut deletes);
    out.append(&mut inserts);
    out
}

/// One element of a list diff.
pub(super) struct ElemDiff<'v> {
    pub(super) action: Action,
    pub(super) before: Option<&'v Value>,
    pub(super) after: Option<&'v Value>,
}

/// Terraform's `ctySequenceDiff`: a longest-common-subsequence diff where a removed object
/// followed by an added object shows as an update of that object.
pub(super) fn sequence_diff<'v>(old: &'v [Value], new: &'v [Value]) -> Vec<ElemDiff<'v>> {
    let lcs = longest_common_subsequence(old, new);
    let is_object = |v: &Value| matches!(v.peel(), Value::Object(_));
    let (mut oi, mut ni, mut li) = (0, 0, 0);
    let mut out = Vec::new();
    while oi < old.len() || ni < new.len() || li < lcs.len() {
        while oi < old.len() && (li >= lcs.len() || old[oi] != *lcs[li]) {
            if is_object(&old[oi])
                && ni < new.len()
                && is_object(&new[ni])
                && (li >= lcs.len() || new[ni] != *lcs[li])
            {
                out.push(ElemDiff {
                    action: Action::Update,
                    before: Some(&old[oi]),
                    after: Some(&new[ni]),
                });
                oi += 1;
                ni += 1;
                continue;
            }
            out.push(ElemDiff {
                action: Action::Delete,
                before: Some(&old[oi]),
                after: None,
            });
            oi += 1;
        }
        while ni < new.len() && (li >= lcs.len() || new[ni] != *lcs[li]) {
            out.push(ElemDiff {
                action: Action::Create,
                before: None,
                after: Some(&new[ni]),
            });
            ni += 1;
        }
        if li < lcs.len() {
            out.push(ElemDiff {
                action: Action::NoOp,
                before: Some(lcs[li]),
                after: Some(lcs[li]),
            });
            li += 1;
            oi += 1;
            ni += 1;
        }
    }
    out
}

/// Terraform's `objchange.LongestCommonSubsequence` (unknown values never match). Beyond
/// [`LCS_LIMIT`] only the common prefix and suffix are matched.
fn longest_common_subsequence<'v>(xs: &'v [Value], ys: &[Value]) -> Vec<&'v Value> {
    let eq = |a: &Value, b: &Value| a.is_wholly_known() && b.is_wholly_known() && a == b;
    if xs.is_empty() || ys.is_empty() {
        return Vec::new();
    }
    if xs.len().saturating_mul(ys.len()) > LCS_LIMIT {
        let prefix = xs.iter().zip(ys).take_while(|(a, b)| eq(a, b)).count();
        let suffix = xs[prefix..]
            .iter()
            .rev()
            .zip(ys[prefix..].iter().rev())
            .take_while(|(a, b)| eq(a, b))
            .count();
        return xs[..prefix]
            .iter()
            .chain(&xs[xs.len() - suffix..])
            .collect();
    }
    let w = xs.len();
    let mut c = vec![0usize; xs.len() * ys.len()];
    let mut eqs = vec![false; xs.len() * ys.len()];
    for y in 0..ys.len() {
        for x in 0..w {
            let e = eq(&xs[x], &ys[y]);
            eqs[w * y + x] = e;
            c[w * y + x] = if e {
                if x > 0 && y > 0 {
                    c[w * (y - 1) + (x - 1)] + 1
                } else {
                    1
                }
            } else {
                let l = if x > 0 { c[w * y + (x - 1)] } else { 0 };
                let u = if y > 0 { c[w * (y - 1) + x] } else { 0 };
                l.max(u)
            };
        }
    }
    let mut ret = Vec::with_capacity(c[c.len() - 1]);
    let (mut x, mut y) = (xs.len() as isize - 1, ys.len() as isize - 1);
    while x >= 0 && y >= 0 {
        let (ux, uy) = (x as usize, y as usize);
        if eqs[w * uy + ux] {
            ret.push(&xs[ux]);
            x -= 1;
            y -= 1;
        } else {
            let l = if ux > 0 { c[w * uy + (ux - 1)] } else { 0 };
            let u = if uy > 0 { c[w * (uy - 1) + ux] } else { 0 };
            if l > u {
                x -= 1;
            } else {
                y -= 1;
            }
        }
    }
    ret.reverse();
    ret
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_core::Type;

    #[test]
    fn line_diffs_put_deletions_first() {
        let d = line_diff(&["a", "b", "c"], &["a", "x", "c"]);
        let actions: Vec<_> = d.iter().map(|(a, l)| (a.symbol(), *l)).collect();
        assert_eq!(actions, [(" ", "a"), ("-", "b"), ("+", "x"), (" ", "c")]);
    }

    #[test]
    fn lcs_skips_unknowns() {
        let xs = [Value::int(1), Value::Unknown(Type::Number), Value::int(3)];
        let ys = [Value::int(1), Value::Unknown(Type::Number), Value::int(3)];
        assert_eq!(longest_common_subsequence(&xs, &ys).len(), 2);
    }
}
