#!/usr/bin/env python3
"""Extracts a docs page into an empty folder, as a reader following it would: every fenced block preceded by
<!-- file: NAME --> becomes NAME; DataGen.* package references take the version given (the packages just packed),
and a nuget.config adds the folder they were packed into. Prints the <!-- run --> command(s), one per line."""
import pathlib, re, sys

page, out, version, packages = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3], sys.argv[4]
text = pathlib.Path(page).read_text(encoding="utf-8")
block = re.compile(r"<!-- (file: (?P<name>[^ ]+)|run) -->\n```[a-z]*\n(?P<body>.*?)\n```", re.S)
out.mkdir(parents=True, exist_ok=True)
runs = []
for m in block.finditer(text):
    if m.group("name"):
        body = re.sub(r'(Include="DataGen\.[^"]+" Version=")[^"]*(")', rf"\g<1>{version}\g<2>", m.group("body"))
        target = out / m.group("name")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body + "\n", encoding="utf-8")
    else:
        runs.append(m.group("body").strip())
if not runs or not (out / "global.json").exists():
    sys.exit(f"{page}: no <!-- run --> block or no global.json file block")
(out / "nuget.config").write_text(f"""<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="datagen-local" value="{packages}" />
  </packageSources>
</configuration>
""", encoding="utf-8")
print("\n".join(runs))
