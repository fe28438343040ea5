#!/usr/bin/env python3
"""Summarizes a JFR recording's CPU samples and draws them as a flame graph (SVG), no other tools.

    python3 benchmarks/scripts/jfr-flame.py recording.jfr out.svg [title]

Reads jdk.ExecutionSample events with the JDK's `jfr` tool (Java frames only: time in native code such
as zlib's deflate is in jdk.NativeMethodSample, counted separately below), prints the share of samples
per thread (numbers in thread names folded to N) and the top frames by self and inclusive time, then
writes a flame graph: one box per frame, width = share of samples, the thread as the bottom frame.
"""
import collections, html, json, re, subprocess, sys


def samples(jfr, event):
    out = subprocess.run(["jfr", "print", "--json", "--events", event, "--stack-depth", "96", jfr],
                         capture_output=True, text=True, check=True).stdout
    for e in json.loads(out)["recording"]["events"]:
        v = e["values"]
        thread = v.get("sampledThread") or {}
        name = re.sub(r"\d+$", "N", thread.get("javaName") or thread.get("osName") or "?")
        frames = (v.get("stackTrace") or {}).get("frames") or []
        yield name, [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in frames]


def main():
    jfr, svg = sys.argv[1], sys.argv[2]
    title = sys.argv[3] if len(sys.argv) > 3 else jfr
    stacks = list(samples(jfr, "jdk.ExecutionSample"))
    total = len(stacks)
    threads, own, incl = collections.Counter(), collections.Counter(), collections.Counter()
    root = {}
    for thread, frames in stacks:
        threads[thread] += 1
        if frames:
            own[frames[0]] += 1
        for f in set(frames):
            incl[f] += 1
        node = root
        for f in [thread] + frames[::-1]:
            child = node.setdefault(f, [0, {}])
            child[0] += 1
            node = child[1]
    print(f"{total} Java samples")
    for title_, counter, n in (("threads", threads, 10), ("self", own, 15), ("inclusive", incl, 25)):
        print("--", title_)
        for k, c in counter.most_common(n):
            print(f"{100.0 * c / total:5.1f}% {k}")
    native = collections.Counter(frames[0] for _, frames in samples(jfr, "jdk.NativeMethodSample") if frames)
    print("-- native (jdk.NativeMethodSample, threads in native code; waiting ones included)")
    for k, c in native.most_common(6):
        print(f"{c:6d} {k}")

    width, row = 1400, 16
    boxes = []

    def walk(node, x, depth, scale):
        for name, (count, children) in sorted(node.items()):
            w = count * scale
            if w >= 0.5:
                boxes.append((x, depth, w, name, count))
                walk(children, x, depth + 1, scale)
            x += w

    walk(root, 0.0, 0, width / max(total, 1))
    height = (max((d for _, d, _, _, _ in boxes), default=0) + 3) * row
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="monospace" font-size="10">',
           f'<text x="4" y="12">{html.escape(title)} ({total} samples; hover for names)</text>']
    for x, depth, w, name, count in boxes:
        y = height - (depth + 1) * row
        hue = 20 + (hash(name.rsplit(".", 1)[0]) % 40)
        label = html.escape(name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1] if "." in name else name)
        out.append(f'<g><title>{html.escape(name)} ({count} samples, {100.0 * count / total:.1f}%)</title>'
                   f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row - 1}" fill="hsl({hue},80%,60%)"/>'
                   + (f'<text x="{x + 2:.1f}" y="{y + 11}">{label[: int(w / 6)]}</text>' if w > 30 else "") + "</g>")
    out.append("</svg>")
    with open(svg, "w") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
