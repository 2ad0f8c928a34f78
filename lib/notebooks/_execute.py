"""Executes one notebook with nbclient and exports an HTML fragment with nbconvert's "basic" template.

Called by lib/notebooks/execute.ts with one JSON argument:
  {"input", "output", "fragment", "css", "kernel", "timeout", "cwd"}
Always writes the executed notebook (with the error output of a failing cell) when the kernel started,
and prints one JSON line on stdout: {"status": "ok"|"failed", "error": {...}?}.
The basic template is used because it references no CDN (no require.js, MathJax or web fonts).
"""
import json
import signal
import sys


def _interrupt(_signum, _frame):
    # SIGTERM (sent when `nb:run` itself is interrupted) unwinds like Ctrl-C, so nbclient shuts the kernel down
    raise KeyboardInterrupt()


def _fail(kind, message, **extra):
    out = {"status": "failed", "error": dict(kind=kind, message=message, **extra)}
    print(json.dumps(out))


def main():
    signal.signal(signal.SIGTERM, _interrupt)
    args = json.loads(sys.argv[1])
    try:
        import nbformat
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
        from nbconvert import HTMLExporter
        from pygments.formatters import HtmlFormatter
    except ImportError as e:
        _fail("setup", "Python Jupyter packages are missing (%s); run: bash .ci/setup" % e)
        return 3

    _LateOutputClient = _late_output_client()
    nb = nbformat.read(args["input"], as_version=4)
    current = {"index": None}

    code_cells = [i for i, c in enumerate(nb.cells) if c.get("cell_type") == "code"]

    def on_cell_start(cell, cell_index, **_kw):
        current["index"] = cell_index
        # one progress line per code cell on stderr (lib/notebooks/execute.ts PROGRESS_PREFIX)
        src = cell.get("source", "")
        first = next((ln.strip() for ln in src.split("\n") if ln.strip()), "")
        pos = code_cells.index(cell_index) + 1 if cell_index in code_cells else 0
        sys.stderr.write("@@candlelab-progress " + json.dumps(
            {"cell": pos, "of": len(code_cells), "index": cell_index, "firstLine": first}) + "\n")
        sys.stderr.flush()

    client = _LateOutputClient(
        nb,
        kernel_name=args["kernel"],
        timeout=args["timeout"],
        allow_errors=False,
        record_timing=True,
        # Outputs arrive on iopub after the shell reply; on a busy machine the default 4 s loses them
        # silently. Wait longer, and fail loudly instead of dropping output.
        iopub_timeout=60,
        raise_on_iopub_timeout=True,
        resources={"metadata": {"path": args["cwd"]}},
    )
    try:
        client.on_cell_start = on_cell_start
    except Exception:
        pass
    result = {"status": "ok"}
    started = True
    try:
        client.execute()
    except CellExecutionError as e:
        result = {"status": "failed", "error": {"kind": "cell", "message": str(e).split("\n")[0]}}
        err = _first_error(nb)
        if err:
            result["error"].update(err)
    except CellTimeoutError as e:
        result = {"status": "failed", "error": {"kind": "timeout", "message": str(e).split("\n")[0],
                                                "cellIndex": current["index"]}}
    except DeadKernelError as e:
        result = {"status": "failed", "error": {"kind": "kernel", "message": "kernel died: %s" % e,
                                                "cellIndex": current["index"]}}
    except Exception as e:  # e.g. NoSuchKernel, a kernel that never starts
        started = current["index"] is not None
        result = {"status": "failed", "error": {"kind": "kernel", "message": "%s: %s" % (type(e).__name__, e),
                                                "cellIndex": current["index"]}}
    if started:
        nbformat.write(nb, args["output"])
        body, _ = HTMLExporter(template_name="basic").from_notebook_node(_svg_as_html(nb))
        with open(args["fragment"], "w", encoding="utf-8") as f:
            f.write(body)
        with open(args["css"], "w", encoding="utf-8") as f:
            f.write(HtmlFormatter(style="default").get_style_defs(".highlight"))
    result["written"] = started
    print(json.dumps(result))
    return 0


def _late_output_client():
    """NotebookClient that also keeps a cell's output sent after its idle status.

    Deno's kernel forwards console output on a task of its own and sends the idle status a few ms after the
    execute reply (a sleep, not a flush); on a busy machine a cell's stream message can follow its idle
    status, and nbclient, which stops listening at idle, would drop it silently. After idle this client goes
    on reading the cell's IOPub messages until none has come for LATE_QUIET seconds (at most LATE_MAX).
    """
    import asyncio
    from queue import Empty

    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionComplete
    from nbclient.util import ensure_async

    late_quiet, late_max = 0.15, 2.0

    class LateOutputClient(NotebookClient):
        async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
            await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)
            deadline = asyncio.get_event_loop().time() + late_max
            while asyncio.get_event_loop().time() < deadline:
                try:
                    msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=late_quiet))
                except Empty:
                    return
                if msg["parent_header"].get("msg_id") != parent_msg_id:
                    continue
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    pass

    return LateOutputClient


def _svg_as_html(nb):
    """nbconvert 6 passes image/svg+xml through lxml's clean_html, which strips the SVG elements; the
    notebook's own SVG is trusted like its text/html, so offer it as text/html (higher priority)."""
    import copy
    out = copy.deepcopy(nb)
    for cell in out.cells:
        for o in cell.get("outputs", []):
            data = o.get("data") or {}
            if "image/svg+xml" in data and "text/html" not in data:
                svg = data["image/svg+xml"]
                data["text/html"] = "".join(svg) if isinstance(svg, list) else svg
    return out


def _first_error(nb):
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return {"cellIndex": i, "ename": out.get("ename", ""), "evalue": out.get("evalue", "")}
    return None


if __name__ == "__main__":
    sys.exit(main())
