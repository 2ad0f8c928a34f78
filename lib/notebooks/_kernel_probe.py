"""Drives the project's Deno kernel through jupyter_client for lib/notebooks/kernel_interrupt_test.ts.

One JSON argument: {"kernel": "deno", "cwd": "...", "steps": [{"code": "...", "interrupt_after": 3.0?,
"timeout": 30}]}. Executes the steps in order in one kernel; a step with "interrupt_after" is interrupted
that many seconds after it starts (KernelManager.interrupt_kernel: a message or SIGINT, as the kernel spec
says). Prints one JSON line: {"steps": [{"status", "ename", "text", "html", "seconds", "interrupted"}], "alive"}.
"""
import json
import sys
import time


def main():
    args = json.loads(sys.argv[1])
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name=args.get("kernel", "deno"), startup_timeout=60, cwd=args["cwd"])
    results = []
    try:
        for step in args["steps"]:
            if step.get("interrupt_first"):
                km.interrupt_kernel()
                time.sleep(1)
            t0 = time.time()
            msg_id = kc.execute(step["code"])
            interrupted = False
            if "interrupt_after" in step:
                time.sleep(step["interrupt_after"])
                km.interrupt_kernel()
                interrupted = True
            timeout = step.get("timeout", 30)
            text, html, status, ename = [], [], None, None
            deadline = t0 + timeout + step.get("interrupt_after", 0)
            quiet = None  # set once the cell's idle status has come
            while True:
                left = deadline - time.time()
                if left <= 0:
                    if quiet is None:
                        status = "timeout"
                    break
                try:
                    m = kc.get_iopub_msg(timeout=left if quiet is None else min(left, quiet))
                except Exception:
                    if quiet is None:
                        status = "timeout"
                    break
                if m["parent_header"].get("msg_id") != msg_id:
                    continue
                t = m["msg_type"]
                c = m["content"]
                if t == "status" and c.get("execution_state") == "idle":
                    # the Deno kernel can send a cell's console output after its idle status (see
                    # _execute.py): keep reading this cell's messages until none has come for 0.3 s
                    deadline = min(deadline, time.time() + 2)
                    quiet = 0.3
                    continue
                if t == "stream":
                    text.append(c.get("text", ""))
                elif t in ("execute_result", "display_data"):
                    text.append(c.get("data", {}).get("text/plain", ""))
                    html.append(c.get("data", {}).get("text/html", ""))
                elif t == "error":
                    ename = c.get("ename")
                    text.append("%s: %s" % (c.get("ename"), c.get("evalue")))
            while status is None:
                reply = kc.get_shell_msg(timeout=10)
                if reply["parent_header"].get("msg_id") == msg_id:
                    status = reply["content"].get("status")
            results.append({"status": status, "ename": ename, "text": "".join(text), "html": "".join(html),
                            "seconds": round(time.time() - t0, 2), "interrupted": interrupted})
            if status == "timeout":
                break
        alive = km.is_alive()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(json.dumps({"steps": results, "alive": alive}))


if __name__ == "__main__":
    main()
