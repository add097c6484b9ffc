#!/usr/bin/python3
# What a PDF tells assistive technology, read from its catalog through qpdf's JSON: for the tests.
#
# Usage: pdf.py FILE   prints "Lang: <the catalog's /Lang or none>", "Marked: <MarkInfo /Marked or none>", then the
#                      structure tree, one element a line, indented two spaces a level, a Figure with ": <its /Alt>"
import json
import subprocess
import sys


def value(objs, v):
    """An object's value, following an indirect reference ("5 0 R")."""
    if isinstance(v, str) and v.endswith(" R"):
        return objs["obj:" + v]["value"]
    return v


def text(v):
    """A PDF string or name as text ("u:…" or "/Name")."""
    return v[2:] if v.startswith("u:") else v.lstrip("/")


def tree(objs, elem, depth, out):
    elem = value(objs, elem)
    if isinstance(elem, list):
        for kid in elem:
            tree(objs, kid, depth, out)
        return
    if not isinstance(elem, dict) or "/S" not in elem:
        return
    line = "  " * depth + text(elem["/S"])
    if "/Alt" in elem:
        line += ": " + text(elem["/Alt"])
    out.append(line)
    tree(objs, elem.get("/K"), depth + 1, out)


def main(path):
    doc = json.loads(subprocess.run(["qpdf", "--json=2", "--json-key=qpdf", path], check=True,
                                    capture_output=True, text=True).stdout)
    objs = doc["qpdf"][1]
    root = value(objs, objs["trailer"]["value"]["/Root"])
    out = ["Lang: " + (text(root["/Lang"]) if "/Lang" in root else "none"),
           "Marked: " + str(value(objs, root.get("/MarkInfo", {})).get("/Marked", "none")).lower()]
    if "/StructTreeRoot" in root:
        tree(objs, value(objs, root["/StructTreeRoot"]).get("/K"), 0, out)
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
