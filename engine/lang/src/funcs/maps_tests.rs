//! Tests of the map and set functions (expected values recorded from Terraform 1.0.3).

use super::super::super::numeric::shared::testing::{e, ea, t};

#[test]
fn keys_values_lookup() {
    t(r#"keys({a = 1, b = "x"})"#, r#"["a", "b"]"#);
    t("keys(tomap({b = 1, a = 2}))", r#"tolist(["a", "b"])"#);
    t("keys({})", "[]");
    t("keys(tomap({}))", "typed(list(string), [])");
    t("keys({a = sensitive(1)})", r#"["a"]"#);
    t("keys(sensitive({a = 1}))", r#"sensitive(["a"])"#);
    t(
        "keys(unknown(object({b = string, a = number})))",
        r#"["a", "b"]"#,
    );
    t("keys(unknown(map(string)))", "unknown(list(string))");
    t("keys(unknown(any))", "unknown(any)");
    ea(
        "keys([1])",
        0,
        "Invalid value for \"inputMap\" parameter: must have map or object type.",
    );
    t(r#"values({b = 1, a = "x"})"#, r#"["x", 1]"#);
    t("values(tomap({b = 1, a = 2}))", "tolist([2, 1])");
    t("values({})", "[]");
    t("values(tomap({}))", "typed(list(any), [])");
    t(
        "values(tomap({a = sensitive(1), b = 2}))",
        "tolist([sensitive(1), 2])",
    );
    e(
        "values([1])",
        "values() requires a map as the first argument",
    );
    t(r#"lookup({a = 1}, "a")"#, "1");
    t(r#"lookup({a = 1}, "b", "x")"#, r#""x""#);
    t(r#"lookup(tomap({a = "1"}), "b", 2)"#, r#""2""#);
    t(r#"lookup({a = "x", b = 1}, "b", "d")"#, "1");
    t(r#"lookup({a = 1}, "b", [1])"#, "[1]");
    t(r#"lookup({a = null}, "a", "d")"#, "null");
    t(r#"lookup({a = sensitive(1), b = 2}, "b")"#, "2");
    t(r#"lookup(sensitive({a = 1}), "a")"#, "sensitive(1)");
    t(r#"lookup({a = 1}, sensitive("a"))"#, "sensitive(1)");
    t(r#"lookup({a = 1, b = unknown(string)}, "a")"#, "1");
    t(r#"lookup({a = 1}, unknown(string))"#, "unknown(any)");
    t(
        r#"lookup(tomap({a = 1}), unknown(string))"#,
        "unknown(number)",
    );
    ea(
        r#"lookup({a = 1}, "b")"#,
        0,
        "the given object has no attribute \"b\"",
    );
    ea(
        r#"lookup(tomap({a = 1}), "b", "x")"#,
        2,
        "the default value must have the same type as the map elements",
    );
    ea(
        r#"lookup([1], "a")"#,
        0,
        "lookup() requires a map as the first argument",
    );
    e(
        r#"lookup({a = 1}, "a", "b", "c")"#,
        "lookup() takes two or three arguments, got 4",
    );
    e(
        r#"lookup(tomap({a = 1}), "b")"#,
        "lookup failed to find 'b'",
    );
}

#[test]
fn merge_zipmap() {
    t(r#"merge({a = 1}, {b = "x"})"#, r#"{a = 1, b = "x"}"#);
    t(
        "merge(tomap({a = 1}), tomap({b = 2}))",
        "tomap({a = 1, b = 2})",
    );
    t(
        r#"merge(tomap({a = 1}), tomap({b = "x"}))"#,
        r#"{a = 1, b = "x"}"#,
    );
    t(r#"merge(tomap({a = 1}), {b = "x"})"#, r#"{a = 1, b = "x"}"#);
    t("merge()", "{}");
    t("merge({a = 1}, null)", "{a = 1}");
    t("merge(null, null)", "{}");
    t(r#"merge({a = 1}, {a = "x"})"#, r#"{a = "x"}"#);
    t("merge(tomap({a = 1}), tomap({a = 2}))", "tomap({a = 2})");
    t("merge(tomap({}), tomap({}))", "typed(map(any), {})");
    t(
        r#"merge({a = sensitive(1)}, {b = 2})"#,
        "{a = sensitive(1), b = 2}",
    );
    t(
        r#"merge(sensitive({a = 1}), {b = 2})"#,
        "sensitive({a = 1, b = 2})",
    );
    t(r#"merge({a = 1}, unknown(map(string)))"#, "unknown(any)");
    e(
        "merge({a = 1}, [1])",
        "arguments must be maps or objects, got \"tuple\"",
    );
    t(r#"zipmap(["a", "b"], [1, "x"])"#, r#"{a = 1, b = "x"}"#);
    t(
        r#"zipmap(tolist(["a", "b"]), tolist([1, 2]))"#,
        "tomap({a = 1, b = 2})",
    );
    t(
        r#"zipmap(["a", "b"], tolist([1, 2]))"#,
        "tomap({a = 1, b = 2})",
    );
    t("zipmap([], [])", "{}");
    t("zipmap(tolist([]), tolist([]))", "typed(map(any), {})");
    t(r#"zipmap(["a", "a"], [1, 2])"#, "{a = 2}");
    t(
        r#"zipmap(toset(["b", "a"]), ["x", "y"])"#,
        r#"{a = "x", b = "y"}"#,
    );
    t(
        r#"zipmap(["a", "b"], [sensitive(1), 2])"#,
        "{a = sensitive(1), b = 2}",
    );
    t(r#"zipmap(["a", unknown(string)], [1, 2])"#, "unknown(any)");
    e(
        r#"zipmap(["a"], [1, 2])"#,
        "number of keys (1) does not match number of values (2)",
    );
    e(
        r#"zipmap(tolist(["a"]), tolist([1, 2]))"#,
        "number of keys (1) does not match number of values (2)",
    );
    e(
        r#"zipmap(["a"], "x")"#,
        "values argument must be a list or tuple value",
    );
    e(
        r#"zipmap(["a"], toset([1]))"#,
        "values argument must be a list or tuple value",
    );
    e("zipmap([null], [1])", "keys list has null value at index 0");
}

#[test]
fn transpose_matchkeys() {
    t(
        r#"transpose({a = ["1", "2"], b = ["2", "3"]})"#,
        r#"tomap({"1" = tolist(["a"]), "2" = tolist(["a", "b"]), "3" = tolist(["b"])})"#,
    );
    t(
        r#"transpose({b = ["x"], a = ["x", "y"]})"#,
        r#"tomap({x = tolist(["a", "b"]), y = tolist(["a"])})"#,
    );
    t(
        r#"transpose({a = ["x", "x"]})"#,
        r#"tomap({x = tolist(["a", "a"])})"#,
    );
    t("transpose({a = [1]})", r#"tomap({"1" = tolist(["a"])})"#);
    t("transpose({})", "typed(map(list(string)), {})");
    t("transpose({a = []})", "typed(map(list(string)), {})");
    e(
        r#"transpose({a = ["x"], b = null})"#,
        "panic in function implementation",
    );
    t(
        r#"matchkeys(["i-1", "i-2", "i-3"], ["a", "b", "a"], ["a"])"#,
        r#"tolist(["i-1", "i-3"])"#,
    );
    t(
        r#"matchkeys(["a", "b", "c"], ["x", "y", "x"], ["x", "z"])"#,
        r#"tolist(["a", "c"])"#,
    );
    t(
        r#"matchkeys(["a", "b"], [1, 2], ["2"])"#,
        r#"tolist(["b"])"#,
    );
    t(
        r#"matchkeys(["a", "b"], [1, 2], [])"#,
        "typed(list(string), [])",
    );
    t(
        r#"matchkeys(["a", "b"], [[1], [2]], [[2]])"#,
        r#"tolist(["b"])"#,
    );
    t(
        r#"matchkeys(["a", "b"], ["x", "y"], [1])"#,
        "typed(list(string), [])",
    );
    t(
        r#"matchkeys([1, "b"], ["x", "y"], ["y"])"#,
        r#"tolist(["b"])"#,
    );
    t(r#"matchkeys([], [], ["x"])"#, "typed(list(any), [])");
    e(
        r#"matchkeys(["a"], ["x", "y"], ["x"])"#,
        "length of keys and values should be equal",
    );
    e(
        r#"matchkeys(["a"], [[1]], ["x"])"#,
        "keys and searchset must be of the same type",
    );
}

#[test]
fn set_functions() {
    t(
        r#"setintersection(toset(["a", "b"]), toset(["b", "c"]))"#,
        r#"toset(["b"])"#,
    );
    t(r#"setintersection(["a", "b"], ["b"])"#, r#"toset(["b"])"#);
    t(
        r#"setintersection(toset([1]), toset(["1"]))"#,
        r#"toset(["1"])"#,
    );
    t(
        r#"setintersection(toset([]), toset(["a"]))"#,
        "typed(set(string), [])",
    );
    t("setintersection([])", "typed(set(any), [])");
    e(
        "setintersection(toset([1]), toset([[1]]))",
        "given sets must all have compatible element types",
    );
    t(r#"setunion(["a"], ["b"], ["a"])"#, r#"toset(["a", "b"])"#);
    t(r#"setunion(["a"], [1])"#, r#"toset(["1", "a"])"#);
    t("setunion([], [])", "typed(set(any), [])");
    t(r#"setsubtract(["a", "b"], ["b"])"#, r#"toset(["a"])"#);
    t(r#"setsubtract([], ["b"])"#, "typed(set(string), [])");
    t(
        r#"setsubtract(toset([1, 2]), toset(["1"]))"#,
        r#"toset(["2"])"#,
    );
    t(
        r#"setunion(["a"], unknown(set(string)))"#,
        "unknown(set(string))",
    );
    t(
        r#"setproduct(["a", "b"], [1, 2])"#,
        r#"typed(list(tuple([string, number])), [["a", 1], ["a", 2], ["b", 1], ["b", 2]])"#,
    );
    t(
        r#"setproduct(toset(["a"]), [1])"#,
        r#"typed(set(tuple([string, number])), [["a", 1]])"#,
    );
    t(
        r#"setproduct([], [1])"#,
        "typed(list(tuple([any, number])), [])",
    );
    t(
        r#"setproduct(toset([]), [1])"#,
        "typed(set(tuple([any, number])), [])",
    );
    t(
        r#"setproduct([1, "a"], [true])"#,
        r#"typed(list(tuple([string, bool])), [["1", true], ["a", true]])"#,
    );
    t(
        r#"setproduct(["a"], ["b"], ["c", "d"])"#,
        r#"typed(list(tuple([string, string, string])), [["a", "b", "c"], ["a", "b", "d"]])"#,
    );
    t(
        r#"setproduct([sensitive(1), 2], ["a"])"#,
        r#"typed(list(tuple([number, string])), [[sensitive(1), "a"], [2, "a"]])"#,
    );
    e(
        r#"setproduct(["a"])"#,
        "at least two arguments are required",
    );
    ea(
        r#"setproduct(["a"], "b")"#,
        1,
        "a set or a list is required",
    );
    ea(
        r#"setproduct([[1], "a"], [true])"#,
        0,
        "all elements must be of the same type",
    );
}
