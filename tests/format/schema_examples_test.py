#!/usr/bin/env python3
"""Checks spec/formats/*.schema.json against the examples of the format docs and the
documents of the C++ format tests; the schemas are documentation, the C++ codecs are
the authority, and this keeps the two from drifting apart. Usage: schema_examples_test.py ROOT"""
import copy
import json
import re
import sys

class Invalid(Exception):
    pass

def is_type(v, t):
    if t == "null": return v is None
    if t == "boolean": return isinstance(v, bool)
    if t == "integer": return (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
    if t == "number": return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "string": return isinstance(v, str)
    if t == "array": return isinstance(v, list)
    if t == "object": return isinstance(v, dict)
    raise ValueError(t)

KNOWN = {"$schema","$id","title","description","default","type","const","enum","properties","required",
         "additionalProperties","items","maxItems","minItems","uniqueItems","minLength","maxLength","pattern",
         "minimum","maximum","oneOf","anyOf","allOf","not","propertyNames","maxProperties","minProperties",
         "$ref","$defs","if","then","else"}

class Checker:
    def __init__(self, root):
        self.root = root
    def resolve(self, ref):
        assert ref.startswith("#/"), ref
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return node
    def valid(self, v, s):
        try:
            self.check(v, s, "")
            return True
        except Invalid:
            return False
    def check(self, v, s, at):
        if s is True: return
        if s is False: raise Invalid(f"{at}: false schema")
        unknown = set(s) - KNOWN
        assert not unknown, unknown
        def fail(msg): raise Invalid(f"{at or '/'}: {msg}")
        if "$ref" in s: self.check(v, self.resolve(s["$ref"]), at)
        if "type" in s:
            ts = s["type"] if isinstance(s["type"], list) else [s["type"]]
            if not any(is_type(v, t) for t in ts): fail(f"type {ts}")
        if "const" in s and not (v == s["const"] and type(v) == type(s["const"])): fail(f"const {s['const']!r}")
        if "enum" in s and v not in s["enum"]: fail(f"enum {s['enum']}")
        if isinstance(v, str):
            if "minLength" in s and len(v) < s["minLength"]: fail("minLength")
            if "maxLength" in s and len(v) > s["maxLength"]: fail("maxLength")
            if "pattern" in s and not re.search(s["pattern"], v): fail(f"pattern {s['pattern']}")
        if is_type(v, "number"):
            if "minimum" in s and v < s["minimum"]: fail("minimum")
            if "maximum" in s and v > s["maximum"]: fail("maximum")
        if isinstance(v, list):
            if "minItems" in s and len(v) < s["minItems"]: fail("minItems")
            if "maxItems" in s and len(v) > s["maxItems"]: fail("maxItems")
            if s.get("uniqueItems") and len({json.dumps(x, sort_keys=True) for x in v}) != len(v): fail("uniqueItems")
            if "items" in s:
                for i, x in enumerate(v): self.check(x, s["items"], f"{at}/{i}")
        if isinstance(v, dict):
            if "minProperties" in s and len(v) < s["minProperties"]: fail("minProperties")
            if "maxProperties" in s and len(v) > s["maxProperties"]: fail("maxProperties")
            for r in s.get("required", []):
                if r not in v: fail(f"required {r}")
            props = s.get("properties", {})
            for k, x in v.items():
                if "propertyNames" in s: self.check(k, s["propertyNames"], f"{at}/{k}(name)")
                if k in props: self.check(x, props[k], f"{at}/{k}")
                elif "additionalProperties" in s: self.check(x, s["additionalProperties"], f"{at}/{k}")
        if "allOf" in s:
            for sub in s["allOf"]: self.check(v, sub, at)
        if "anyOf" in s and not any(self.valid(v, sub) for sub in s["anyOf"]): fail("anyOf")
        if "oneOf" in s:
            n = sum(self.valid(v, sub) for sub in s["oneOf"])
            if n != 1:
                # find the most telling error
                errs = []
                for sub in s["oneOf"]:
                    try: self.check(v, sub, at)
                    except Invalid as e: errs.append(str(e))
                fail(f"oneOf matched {n}: {errs[:12]}")
        if "not" in s and self.valid(v, s["not"]): fail("not")
        if "if" in s:
            if self.valid(v, s["if"]):
                if "then" in s: self.check(v, s["then"], at)
            elif "else" in s: self.check(v, s["else"], at)

root = sys.argv[1]
scen_schema = json.load(open(f"{root}/spec/formats/scenario.schema.json"))
trace_schema = json.load(open(f"{root}/spec/formats/trace.schema.json"))
S, T = Checker(scen_schema), Checker(trace_schema)
failures = 0
passed = 0
def expect(checker, doc, schema, ok, label):
    global failures, passed
    try:
        checker.check(doc, schema, "")
        good = True; err = ""
    except Invalid as e:
        good = False; err = str(e)
    if good != ok:
        failures += 1
        print(("REJECTED " if ok else "ACCEPTED ") + label, err[:600])
    else:
        passed += 1

def strip_jsonc(text):
    text = re.sub(r"[ \t]+//[^\n]*", "", text)
    text = text.replace("[ ... ]", "[]").replace("{ ... }", "{}")
    return text

def blocks(path, lang):
    md = open(path).read()
    return re.findall(r"```" + lang + r"\n(.*?)```", md, re.S)

# scenario.md code blocks
sb = blocks(f"{root}/spec/formats/scenario.md", "jsonc")
top = json.loads(strip_jsonc(sb[0]))
top["scripts"]["worker"]["steps"] = []; top["main"]["steps"] = []
del top["scripts"]["worker"]["on_cancel"]; del top["main"]["on_cancel"]
expect(S, top, scen_schema, True, "scenario.md top-level block")
expect(S, json.loads(strip_jsonc(sb[1])), scen_schema, True, "scenario.md annotated example")

# table snippets of scenario.md
md = open(f"{root}/spec/formats/scenario.md").read()
subs = [(r'\[C\.\.\.\]', '[{"task":"h"}]'), (r'"child":C', '"child":{"task":"h"}'),
        (r'N\\\|null', '1'), (r'\bN\b', '1'), (r'"value":V', '"value":null'), (r'"type":T', '"type":"ValueError"'),
        (r'"message":M', '"message":"m"'), (r'"msg":M\?', '"msg":"m"'), (r'"catch":B\?', '"catch":true'),
        (r'"return_exceptions":B', '"return_exceptions":true'), (r'"as":H\?', '"as":"h2"'), (r'"as":H', '"as":"h"'),
        (r'"target":H', '"target":"h"'), (r'"task":H', '"task":"h"'), (r'"script":S', '"script":"s"'),
        (r'"event":X', '"event":"x"'), (r'"d":1\b', '"d":1'), (r'"type":T', '"type":"ValueError"'), (r'"return_when":W', '"return_when":"FIRST_COMPLETED"'), (r'"form":F', '"form":"for"'),
        (r'"expr":E', '"expr":{"kind":"gather","children":[]}'), (r'"steps":\[\.\.\.\]', '"steps":[]')]
snippets = re.findall(r"`(\{\"(?:op|kind|script|task|expr)\".*?\})`", md)
if len(snippets) < 25:
    failures += 1
    print(f"found only {len(snippets)} step/expression/child snippets in scenario.md")
for snip in snippets:
    text = re.sub(r'":\s+', '":', snip)
    if "task_group" in text: text = text.replace("[C...]", '[{"script":"s"}]')
    for a, b in subs: text = re.sub(a, b, text)
    doc = json.loads(text)
    if "op" in doc: sch = scen_schema["$defs"]["step"]
    elif "kind" in doc and doc["kind"] in ("propagate","swallow","cleanup","raise"): sch = scen_schema["$defs"]["on_cancel"]
    elif "kind" in doc: sch = scen_schema["$defs"]["expression"]
    else: sch = scen_schema["$defs"]["child"]
    expect(S, doc, sch, True, "scenario.md snippet " + snip)

# trace.md
tb = blocks(f"{root}/spec/formats/trace.md", "jsonc")
top = json.loads(strip_jsonc(tb[0]))
top["futures"] = {"main": {"kind": "task", "state": {"result": None}}}
expect(T, top, trace_schema, True, "trace.md top-level block")
tmd = open(f"{root}/spec/formats/trace.md").read()
expect(T, {"result": [{"$set":[{"$future":"a#1"}]}, {"$set":[]}]}, trace_schema["$defs"]["outcome"], True, "trace.md wait result")
rep = re.search(r"`(\{\"message\": \"Task exception.*?\})`", tmd).group(1).replace("{...}", '{"type":"KeyError","message":"x"}')
expect(T, json.loads(rep), trace_schema["$defs"]["report"], True, "trace.md report")
# adapter-protocol start line runtime
ab = blocks(f"{root}/docs/adapter-protocol.md", "json")
start = json.loads(ab[0])
expect(T, start["runtime"], trace_schema["$defs"]["runtime"], True, "adapter-protocol runtime")

# the C++ tests' documents
def raw(path, name):
    src = open(path).read()
    return json.loads(re.search(name + r' = R"json\((.*?)\)json";', src, re.S).group(1))
sc = f"{root}/tests/format/scenario_codec_test.cpp"
tc = f"{root}/tests/format/trace_codec_test.cpp"
every = raw(sc, "every_construct")
expect(S, every, scen_schema, True, "every_construct")
expect(S, raw(sc, "minimal"), scen_schema, True, "minimal")
for name in ("gather_trace", "busy_trace", "unsupported_trace"):
    expect(T, raw(tc, name), trace_schema, True, name)

# negatives the schema can express
def mut(doc, f):
    d = copy.deepcopy(doc); f(d); return d
m = raw(sc, "minimal")
negs = [
  ("float d", lambda d: d["main"]["steps"].__setitem__(0, {"op":"sleep","d":1.5})),
  ("unknown op", lambda d: d["main"]["steps"].__setitem__(0, {"op":"slep","d":1})),
  ("extra key", lambda d: d["main"]["steps"].__setitem__(0, {"op":"sleep","d":1,"x":1})),
  ("as main", lambda d: d["main"]["steps"].__setitem__(0, {"op":"create_task","as":"main","script":"ok"})),
  ("both script and expr", lambda d: d["main"]["steps"][0].__setitem__("expr", {"kind":"gather","children":[]})),
  ("future of wait", lambda d: d["main"]["steps"].__setitem__(0, {"op":"future","as":"f","expr":{"kind":"wait","children":[]}})),
  ("task_group of task", lambda d: d["main"]["steps"][1].__setitem__("expr", {"kind":"task_group","children":[{"task":"slow"}]})),
  ("task_group of gather", lambda d: d["main"]["steps"][1].__setitem__("expr", {"kind":"task_group","children":[{"expr":{"kind":"gather","children":[]}}]})),
  ("dollar key", lambda d: d["scripts"]["ok"]["steps"][1].__setitem__("value", {"$future":"x"})),
  ("float value", lambda d: d["scripts"]["ok"]["steps"][1].__setitem__("value", [1.5])),
  ("wrong format", lambda d: d.__setitem__("format", "aioconform.trace/1")),
  ("auto-name target", lambda d: d["main"]["steps"].__setitem__(2, {"op":"state","target":"ok#1"})),
  ("65 children", lambda d: d["main"]["steps"][1]["expr"].__setitem__("children", [{"task":"slow"}]*65)),
  ("script named main", lambda d: d["scripts"].__setitem__("main", {"steps":[]})),
  ("on_cancel swallow without value", lambda d: d["main"].__setitem__("on_cancel", {"kind":"swallow"})),
]
for label, f in negs: expect(S, mut(m, f), scen_schema, False, "neg " + label)
g = raw(tc, "gather_trace")
tnegs = [
  ("unknown ev", lambda d: d["events"][0].__setitem__("ev", "jump")),
  ("two-key outcome", lambda d: d["events"][16]["outcome"].__setitem__("cancelled", {"message":""})),
  ("bad at", lambda d: d["events"][1].__setitem__("at", "01")),
  ("float result", lambda d: d["events"][16]["outcome"].__setitem__("result", 0.5)),
  ("no main", lambda d: d["futures"].pop("main")),
  ("unit_ms on virtual", lambda d: d["runtime"].__setitem__("unit_ms", 5)),
  ("state running", lambda d: d["futures"]["main"].__setitem__("state", "running")),
  ("unknown encoding", lambda d: d["events"][16]["outcome"].__setitem__("result", {"$tuple": []})),
  ("missing on completed", lambda d: d.__setitem__("missing", ["timeout"])),
]
for label, f in tnegs: expect(T, mut(g, f), trace_schema, False, "neg " + label)
# the golden corpus, when there is one
import glob
for path in sorted(glob.glob(f"{root}/golden/scenarios/**/*.json", recursive=True)):
    expect(S, json.load(open(path)), scen_schema, True, path)
for path in sorted(glob.glob(f"{root}/golden/traces/**/*.json", recursive=True)):
    expect(T, json.load(open(path)), trace_schema, True, path)

print(f"{passed} passed, {failures} failed")
sys.exit(1 if failures else 0)
