//! Tests of the sequence functions, and of nested unknowns across the collection family
//! (expected values recorded from Terraform 1.0.3).

use super::super::numeric::shared::testing::{e, ea, t};

#[test]
fn alltrue_anytrue() {
    t("alltrue([true, true])", "true");
    t("alltrue([])", "true");
    t(r#"alltrue([true, "false"])"#, "false");
    t("alltrue([true, null])", "false");
    t("alltrue(toset([true]))", "true");
    ea(r#"alltrue(["true", 1])"#, 0, "bool required");
    t("anytrue([false, true])", "true");
    t("anytrue([])", "false");
    t("anytrue([null, false])", "false");
    t("anytrue([null, true])", "true");
    t(r#"anytrue(["true"])"#, "true");
    t("alltrue([true, unknown(bool)])", "unknown(bool)");
}

#[test]
fn chunklist_cases() {
    t(
        r#"chunklist(["a","b","c","d","e"], 2)"#,
        r#"tolist([tolist(["a","b"]), tolist(["c","d"]), tolist(["e"])])"#,
    );
    t("chunklist([], 2)", "typed(list(list(any)), [])");
    t(r#"chunklist(["a"], 0)"#, r#"tolist([tolist(["a"])])"#);
    t(
        r#"chunklist(["a", 1], 1)"#,
        r#"tolist([tolist(["a"]), tolist(["1"])])"#,
    );
    t("chunklist([1, 2, 3], 5)", "tolist([tolist([1, 2, 3])])");
    t(
        r#"chunklist(toset(["b","a"]), 1)"#,
        r#"tolist([tolist(["a"]), tolist(["b"])])"#,
    );
    e(
        r#"chunklist(["a"], -1)"#,
        "the size argument must be positive",
    );
    e(
        r#"chunklist(["a"], 1.5)"#,
        "invalid size: value must be a whole number",
    );
    t(
        "chunklist([sensitive(1), 2], 1)",
        "tolist([tolist([sensitive(1)]), tolist([2])])",
    );
    t(
        "chunklist(sensitive([1]), 1)",
        "sensitive(tolist([tolist([1])]))",
    );
    // Terraform keeps list(list(string)); the shared conversion forgets an unknown's type.
    t(
        "chunklist(unknown(list(string)), 1)",
        "unknown(list(list(any)))",
    );
}

#[test]
fn coalesce_cases() {
    t(r#"coalesce("", "a", "b")"#, r#""a""#);
    t(r#"coalesce(null, 1, "x")"#, r#""1""#);
    t(r#"coalesce(1, "a")"#, r#""1""#);
    t(r#"coalesce(true, "a")"#, r#""true""#);
    t("coalesce(0, 1)", "0");
    t("coalesce(false, true)", "false");
    t(r#"coalesce([], ["a"])"#, "typed(list(string), [])");
    t("coalesce(null, {a = 1})", "{a = 1}");
    t(r#"coalesce(null, [1], ["a"])"#, "[1]");
    t(r#"coalesce([1], ["a"])"#, r#"["1"]"#);
    t(r#"coalesce(unknown(string), "a")"#, "unknown(string)");
    t(r#"coalesce("a", unknown(string))"#, r#""a""#);
    t(r#"coalesce(sensitive(""), "b")"#, r#"sensitive("b")"#);
    e(
        r#"coalesce(null, "")"#,
        "no non-null, non-empty-string arguments",
    );
    e(
        "coalesce(null, null)",
        "no non-null, non-empty-string arguments",
    );
    e("coalesce()", "all arguments must have the same type");
    e("coalesce(1, [1])", "all arguments must have the same type");
    t(r#"coalescelist([], ["a"], ["b"])"#, r#"["a"]"#);
    t(r#"coalescelist([], [1, "a"])"#, r#"[1, "a"]"#);
    t(r#"coalescelist(tolist([]), ["x"])"#, r#"["x"]"#);
    t(
        r#"coalescelist(tolist(["a"]), tolist(["b"]))"#,
        r#"tolist(["a"])"#,
    );
    t(
        r#"coalescelist(unknown(list(string)), ["b"])"#,
        "unknown(any)",
    );
    t(r#"coalescelist(["a"], unknown(list(string)))"#, r#"["a"]"#);
    e("coalescelist([], [])", "no non-null arguments");
    e(
        r#"coalescelist("a")"#,
        "coalescelist arguments must be lists or tuples",
    );
    e(
        r#"coalescelist(null, ["a"])"#,
        "coalescelist arguments must be lists or tuples",
    );
    e("coalescelist()", "at least one argument is required");
}

#[test]
fn compact_concat() {
    t(r#"compact(["a", "", "b", null])"#, r#"tolist(["a", "b"])"#);
    t("compact([])", "typed(list(string), [])");
    t(r#"compact(["", null])"#, "typed(list(string), [])");
    t(r#"compact([1, ""])"#, r#"tolist(["1"])"#);
    t(
        r#"compact(["a", unknown(string)])"#,
        "unknown(list(string))",
    );
    t(r#"concat([1], ["a"])"#, r#"[1, "a"]"#);
    t(
        r#"concat(tolist([1]), tolist(["a"]))"#,
        r#"tolist(["1", "a"])"#,
    );
    t("concat(tolist([1]), tolist([2]))", "tolist([1, 2])");
    t("concat(tolist([1]), [2])", "[1, 2]");
    t("concat([], [])", "[]");
    t(r#"concat(tolist([]), tolist(["a"]))"#, r#"tolist(["a"])"#);
    t(
        r#"concat(tolist([[1]]), tolist([["a"]]))"#,
        r#"tolist([["1"], ["a"]])"#,
    );
    t(
        r#"concat(tolist(["a"]), [], tolist([true]))"#,
        r#"["a", true]"#,
    );
    t("concat([sensitive(1)], [2])", "[sensitive(1), 2]");
    t("concat(sensitive([1]), [2])", "sensitive([1, 2])");
    t("concat([1], unknown(list(number)))", "unknown(any)");
    t(
        "concat(tolist([1]), unknown(list(number)))",
        "unknown(list(number))",
    );
    e("concat()", "at least one argument is required");
    ea(
        r#"concat("a")"#,
        0,
        "all arguments must be lists or tuples; got string",
    );
    ea(
        "concat([1], toset([2]))",
        1,
        "all arguments must be lists or tuples; got set of number",
    );
}

#[test]
fn contains_index_distinct() {
    t(r#"contains(["a", "b"], "a")"#, "true");
    t(r#"contains(["a"], 1)"#, "false");
    t(r#"contains([1], "1")"#, "false");
    t("contains([1, 2], 2.0)", "true");
    t(r#"contains([], "a")"#, "false");
    t(r#"contains(toset(["a"]), "a")"#, "true");
    t("contains([[1]], [1])", "true");
    t(r#"contains(["a", unknown(string)], "a")"#, "true");
    e(
        "contains({a = 1}, 1)",
        "argument must be list, tuple, or set",
    );
    ea("contains([null], null)", 1, "argument must not be null");
    t(r#"index(["a", "b"], "b")"#, "1");
    t(r#"index(["a", "b", "a"], "a")"#, "0");
    t("index([1, 2], 2.0)", "1");
    e(r#"index(["a"], "c")"#, "item not found");
    e(r#"index([1], "1")"#, "item not found");
    e(r#"index([], "a")"#, "cannot search an empty list");
    e(
        r#"index(toset(["a"]), "a")"#,
        "argument must be a list or tuple",
    );
    t(r#"distinct(["a", "b", "a"])"#, r#"tolist(["a", "b"])"#);
    t(r#"distinct(["b", "a", "b"])"#, r#"tolist(["b", "a"])"#);
    t(r#"distinct([1, 2, 1, "1"])"#, r#"tolist(["1", "2"])"#);
    t("distinct([])", "typed(list(any), [])");
    t("distinct([[1], [1]])", "tolist([[1]])");
    t("distinct(toset([1]))", "tolist([1])");
    t("distinct([null, null])", "typed(list(any), [null])");
    // Terraform words it "list of any single type required" (the shared conversion's text).
    ea(r#"distinct("a")"#, 0, "required");
}

#[test]
fn element_cases() {
    t(r#"element(["a", "b"], 3)"#, r#""b""#);
    t(r#"element(["a", "b", "c"], 5)"#, r#""c""#);
    t(r#"element([1, "a", true], 4)"#, r#""a""#);
    t(r#"element(tolist(["a", "b"]), "1")"#, r#""b""#);
    e(
        r#"element(["a", "b"], -1)"#,
        "cannot use element function with a negative index",
    );
    e(
        r#"element(["a"], -1.5)"#,
        "cannot use element function with a negative index",
    );
    e(
        "element([], 0)",
        "cannot use element function with an empty list",
    );
    e(
        "element(tolist([]), 0)",
        "cannot use element function with an empty list",
    );
    e(
        r#"element(["a"], 1.5)"#,
        "invalid index: value must be a whole number",
    );
    e(
        r#"element(tolist(["a"]), 1.5)"#,
        "invalid index: value must be a whole number",
    );
    e("element({a = 1}, 0)", "cannot read elements from object");
    e(
        r#"element(toset(["a"]), 0)"#,
        "cannot read elements from set of string",
    );
    t("element([sensitive(1), 2], 1)", "2");
    t("element(sensitive([1, 2]), 0)", "sensitive(1)");
    t("element([1, 2], sensitive(0))", "sensitive(1)");
    t(r#"element([1, "a"], unknown(number))"#, "unknown(any)");
    t(
        r#"element(tolist(["a"]), unknown(number))"#,
        "unknown(string)",
    );
    t(r#"element(unknown(list(string)), 0)"#, "unknown(string)");
}

#[test]
fn flatten_cases() {
    t("flatten([[1, 2], [3, [4]], 5])", "[1, 2, 3, 4, 5]");
    t("flatten([])", "[]");
    t("flatten([[], []])", "[]");
    t("flatten(toset([toset([1])]))", "[1]");
    t("flatten(tolist([tolist([1, 2])]))", "[1, 2]");
    t("flatten([[[1, [2]]], tolist([3])])", "[1, 2, 3]");
    t("flatten([{a = 1}])", "[{a = 1}]");
    t("flatten([null])", "[null]");
    t("flatten([[sensitive(1)], [2]])", "[sensitive(1), 2]");
    t("flatten([sensitive([1]), [2]])", "sensitive([1, 2])");
    t("flatten([[1], unknown(list(number))])", "unknown(any)");
    e(r#"flatten("a")"#, "can only flatten lists, sets and tuples");
}

#[test]
fn length_cases() {
    t(r#"length("héllo")"#, "5");
    t(r#"length("🇺🇸e\u0301")"#, "2");
    t(r#"length("")"#, "0");
    t("length([1, 2])", "2");
    t("length([])", "0");
    t("length({a = 1})", "1");
    t("length({})", "0");
    t("length(tomap({a = 1}))", "1");
    t("length(toset([1, 1]))", "1");
    t(r#"length([unknown(string), "a"])"#, "2");
    t("length(unknown(string))", "unknown(number)");
    t("length(unknown(list(string)))", "unknown(number)");
    t("length(unknown(tuple([string, number])))", "2");
    t("length(unknown(object({a = string})))", "1");
    t("length(unknown(any))", "unknown(number)");
    t(
        r#"length(toset([unknown(string), "a"]))"#,
        "unknown(number)",
    );
    t(r#"length([sensitive("a")])"#, "1");
    t(r#"length(sensitive(["a"]))"#, "sensitive(1)");
    t(r#"length(sensitive("abc"))"#, "sensitive(3)");
    e(
        "length(1)",
        "argument must be a string, a collection type, or a structural type",
    );
    e(
        "length(unknown(bool))",
        "argument must be a string, a collection type, or a structural type",
    );
    ea("length(null)", 0, "argument must not be null");
}

#[test]
fn one_range_reverse() {
    t("one([])", "null");
    t(r#"one(["a"])"#, r#""a""#);
    t("one(tolist([]))", "null(any)");
    t(r#"one(tolist(["a"]))"#, r#""a""#);
    t(r#"one(toset(["x"]))"#, r#""x""#);
    t("one([null])", "null");
    t("one(unknown(list(string)))", "unknown(string)");
    t(r#"one([sensitive("a")])"#, r#"sensitive("a")"#);
    ea(
        r#"one(["a", "b"])"#,
        0,
        "must be a list, set, or tuple value with either zero or one elements",
    );
    ea("one(tolist([1, 2]))", 0, "either zero or one elements");
    ea(r#"one("a")"#, 0, "either zero or one elements");
    t("range(3)", "tolist([0, 1, 2])");
    t("range(-3)", "tolist([0, -1, -2])");
    t("range(0)", "typed(list(number), [])");
    t("range(1, 4)", "tolist([1, 2, 3])");
    t("range(4, 1)", "tolist([4, 3, 2])");
    t("range(1, 4, 2)", "tolist([1, 3])");
    t("range(0, 1, 0.25)", "tolist([0, 0.25, 0.5, 0.75])");
    t("range(1.5)", "tolist([0, 1])");
    t(r#"range("2")"#, "tolist([0, 1])");
    t("range(0, 0, 0)", "typed(list(number), [])");
    ea(
        "range(1, 4, -1)",
        1,
        "end must be less than start when step is negative",
    );
    ea(
        "range(4, 1, 1)",
        1,
        "end must be greater than start when step is positive",
    );
    e("range(0, 2000)", "more than 1024 values were generated");
    e("range(0, 1, 0)", "more than 1024 values were generated");
    e("range()", "must have one, two, or three arguments");
    e(
        "range(1, 2, 3, 4)",
        "must have one, two, or three arguments",
    );
    t(r#"reverse([1, "a"])"#, r#"["a", 1]"#);
    t("reverse(tolist([1, 2]))", "tolist([2, 1])");
    t("reverse(toset([1, 2]))", "tolist([2, 1])");
    t("reverse([])", "[]");
    t("reverse([sensitive(1), 2])", "[2, sensitive(1)]");
    t(
        "reverse(unknown(tuple([number, string])))",
        "unknown(tuple([string, number]))",
    );
    ea(
        r#"reverse("a")"#,
        0,
        "can only reverse list or tuple values, not string",
    );
}

#[test]
fn slice_sort() {
    t(r#"slice(["a", "b", "c"], 1, 2)"#, r#"["b"]"#);
    t(r#"slice([1, "a", true], 1, 3)"#, r#"["a", true]"#);
    t(
        r#"slice(tolist(["a", "b", "c"]), 0, 3)"#,
        r#"tolist(["a", "b", "c"])"#,
    );
    t(r#"slice(["a"], 1, 1)"#, "[]");
    t(r#"slice(tolist(["a"]), 1, 1)"#, "typed(list(string), [])");
    t("slice([sensitive(1), 2], 1, 2)", "[2]");
    t(
        r#"slice(unknown(list(string)), 5, 9)"#,
        "unknown(list(string))",
    );
    t(r#"slice(["a", "b"], unknown(number), 1)"#, "unknown(any)");
    ea(
        r#"slice(["a"], 2, 2)"#,
        1,
        "start index must not be greater than the length of the list",
    );
    ea(
        r#"slice(["a"], 0, 2)"#,
        2,
        "end index must not be greater than the length of the list",
    );
    ea(
        r#"slice(["a", "b"], 1, 0)"#,
        1,
        "start index must not be greater than end index",
    );
    ea(
        r#"slice(["a"], -1, 0)"#,
        1,
        "start index must not be less than zero",
    );
    ea(
        r#"slice(["a"], 0.5, 1)"#,
        1,
        "invalid start index: value must be a whole number",
    );
    ea(
        r#"slice(toset(["a"]), 0, 1)"#,
        0,
        "cannot slice a set, because its elements do not have indices",
    );
    ea(r#"slice("a", 0, 1)"#, 0, "must be a list or tuple value");
    t(
        r#"sort(["b", "a", "10", "9"])"#,
        r#"tolist(["10", "9", "a", "b"])"#,
    );
    t("sort([3, 1, 20])", r#"tolist(["1", "20", "3"])"#);
    t("sort([])", "typed(list(string), [])");
    t(r#"sort(toset(["b", "a"]))"#, r#"tolist(["a", "b"])"#);
    t(r#"sort([true, "a"])"#, r#"tolist(["a", "true"])"#);
    e(
        r#"sort(["a", null])"#,
        "given list element 1 is null; a null string cannot be sorted",
    );
}

/// Unknowns nested in collections reach the implementations (cty 1.9 short-circuits only on
/// arguments that are themselves unknown); recorded with `terraform plan` and `timestamp()`.
#[test]
fn nested_unknowns() {
    let cases = [
        ("alltrue([false, unknown(bool)])", "false"),
        ("alltrue([unknown(bool), false])", "unknown(bool)"),
        ("anytrue([unknown(bool), true])", "true"),
        ("anytrue([unknown(bool), false])", "unknown(bool)"),
        (r#"contains([unknown(string), "a"], "a")"#, "true"),
        (r#"contains(["b", unknown(string)], "a")"#, "unknown(bool)"),
        (r#"contains(["a"], unknown(string))"#, "unknown(bool)"),
        (r#"index(["a", unknown(string)], "a")"#, "0"),
        (r#"index([unknown(string), "a"], "a")"#, "unknown(number)"),
        ("concat([unknown(string)], [1])", "[unknown(string), 1]"),
        (
            r#"concat(tolist([unknown(string)]), tolist(["a"]))"#,
            r#"typed(list(string), [unknown(string), "a"])"#,
        ),
        (r#"element([unknown(string), "a"], 1)"#, r#""a""#),
        (
            r#"reverse([unknown(string), "a"])"#,
            r#"["a", unknown(string)]"#,
        ),
        (
            r#"chunklist([unknown(string), "a"], 1)"#,
            r#"tolist([typed(list(string), [unknown(string)]), tolist(["a"])])"#,
        ),
        (
            r#"setproduct(["a"], [unknown(string)])"#,
            r#"typed(list(tuple([string, string])), [["a", unknown(string)]])"#,
        ),
        (
            r#"slice(tolist(["a", unknown(string)]), 0, 1)"#,
            r#"tolist(["a"])"#,
        ),
        (
            r#"flatten([tolist([unknown(string)]), ["b"]])"#,
            r#"[unknown(string), "b"]"#,
        ),
        (r#"flatten([unknown(list(string)), ["b"]])"#, "unknown(any)"),
        (
            r#"values(tomap({a = unknown(string), b = "x"}))"#,
            r#"typed(list(string), [unknown(string), "x"])"#,
        ),
        (
            r#"zipmap(tolist(["a", "b"]), tolist([unknown(string), "x"]))"#,
            r#"typed(map(string), {a = unknown(string), b = "x"})"#,
        ),
        (r#"zipmap(["a", unknown(string)], [1, 2])"#, "unknown(any)"),
        (r#"lookup({a = 1}, "a", unknown(string))"#, "1"),
        (
            r#"lookup(tomap({a = unknown(string), b = "x"}), "b")"#,
            r#""x""#,
        ),
        (
            r#"coalescelist([unknown(string)], ["b"])"#,
            "[unknown(string)]",
        ),
        (r#"keys(tomap({a = unknown(string)}))"#, r#"tolist(["a"])"#),
        (
            r#"matchkeys(["a", "b"], ["x", "y"], [unknown(string)])"#,
            "typed(list(string), [])",
        ),
        (
            r#"matchkeys([unknown(string), "b"], ["x", "y"], ["y"])"#,
            "unknown(list(string))",
        ),
        (
            r#"merge({a = 1}, {b = unknown(string)})"#,
            "{a = 1, b = unknown(string)}",
        ),
        (
            r#"setunion(["a"], [unknown(string)])"#,
            r#"typed(set(string), ["a", unknown(string)])"#,
        ),
        (
            r#"setintersection(["a"], [unknown(string)])"#,
            "unknown(set(string))",
        ),
        (
            r#"setsubtract(["a"], [unknown(string)])"#,
            "unknown(set(string))",
        ),
        (
            r#"distinct([unknown(string), "a"])"#,
            "unknown(list(string))",
        ),
        (r#"sort(["b", unknown(string)])"#, "unknown(list(string))"),
        (
            r#"compact(["a", unknown(string)])"#,
            "unknown(list(string))",
        ),
        ("one(tolist([unknown(string)]))", "unknown(string)"),
        (
            r#"length(toset([unknown(string), "a"]))"#,
            "unknown(number)",
        ),
    ];
    for (call, want) in cases {
        t(call, want);
    }
}
