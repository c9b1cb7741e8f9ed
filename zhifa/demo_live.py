"""``make demo``'s live part: serve the seeded ledger at http://127.0.0.1:8000 with the sealer (and projections)
following the log, while a gentle stream of new demo acts arrives through the officer API, until Ctrl-C."""

from __future__ import annotations

import random
import threading
import time
import uuid

from rich.console import Console

from ledger.court.keys import read_private_key
from ledger.envelope import sign_act
from ledger.ledger import make_act
from zhifa.console import key_file_name
from zhifa.settings import Settings

LEADS = (
    "群众举报某超市销售过期食品",
    "12345 热线反映某餐馆油烟扰民",
    "巡查发现某工地夜间违规施工",
    "投诉某商户占道经营",
    "举报某门店未明码标价",
)
NOTES = ("现场检查，已拍照取证", "联系当事人，告知调查事项", "复查：问题仍存在", "整理案卷材料")


def act_stream(settings: Settings, base_url: str, stop: threading.Event, every: float = 4.0) -> None:
    """Every few seconds a new lead or a note on one of the recent leads, signed by a demo officer, POSTed."""
    import logging

    import httpx

    from zhifa import scenarios as sc

    logging.getLogger("httpx").setLevel(logging.WARNING)  # the server's own request log already shows each POST

    officers = [m.id for m in sc.CAST if m.role == "officer" and m.agency == sc.BUREAU]
    keys = {o: read_private_key(settings.keys_dir / key_file_name(o)) for o in officers}
    rng = random.Random()
    open_cases: list[tuple[str, int, str]] = []  # case, version, officer
    with httpx.Client(base_url=base_url, timeout=10) as client:
        while not stop.wait(every):
            if open_cases and rng.random() < 0.5:
                i = rng.randrange(len(open_cases))
                case, version, officer = open_cases[i]
                act = make_act(log=settings.origin, case=case, case_version=version, type="case.note", actor=officer,
                               payload={"text": rng.choice(NOTES)})
                step = (case, version + 1, officer)
            else:
                officer = rng.choice(officers)
                case = str(uuid.uuid4())
                act = make_act(log=settings.origin, case=case, case_version=0, type="lead.received", actor=officer,
                               payload={"source": "complaint", "channel": "12345", "summary": rng.choice(LEADS), "catalog_item": None})
                step = (case, 1, officer)
                i = -1
            try:
                r = client.post("/api/acts", content=sign_act(act, keys[officer]))
            except httpx.HTTPError:
                continue
            if r.status_code == 201:
                if i >= 0:
                    open_cases[i] = step
                else:
                    open_cases = [*open_cases[-9:], step]


def serve_demo(settings: Settings, console: Console, *, host: str = "127.0.0.1", port: int = 8000, example_case: str | None = None) -> None:
    import uvicorn

    from web.app import create_app
    from web.credentials import Credentials
    from web.services import WebOptions
    from zhifa import scenarios as sc
    from zhifa.console import open_store

    base = f"http://{host}:{port}"
    case = example_case or "<case id>"
    store = open_store(settings)
    token = Credentials(store).issue_token(sc.SUPERVISOR, "supervisor")  # a demo credential, shown here only
    store.close()
    console.print(
        "\n".join(
            [
                "[bold]Live at[/] " + base + "  (Ctrl-C to stop; a new demo act arrives every few seconds)",
                f"  {base}/                       门户 portal: latest checkpoint, disclosures, verify page",
                f"  {base}/docs                   OpenAPI (Swagger UI served from the package)",
                f"  curl -s {base}/checkpoint     the signed checkpoint (C2SP tlog-tiles: {base}/tile/0/000 …)",
                f"  curl -N {base}/events         live entries and checkpoints (SSE)",
                f"  curl -s {base}/feeds/checkpoints.atom   feeds: /feeds/disclosures.{{atom,rss,json}} …",
                f"  curl -s '{base}/log/proof/inclusion?index=0&size=10'",
                f"  TOKEN={token}   # demo supervisor ({sc.SUPERVISOR}); more: .venv/bin/zhifa tokens new --person P --role R",
                f"  curl -s -H \"Authorization: Bearer $TOKEN\" {base}/api/cases/{case}/timeline",
                f"  curl -s -H \"Authorization: Bearer $TOKEN\" {base}/api/supervise/warnings.csv",
                f"  curl -s -H \"Authorization: Bearer $TOKEN\" {base}/cases/{case}/bundle > case.json",
                f"  .venv/bin/zhifa verify case.json --log-key \"$(curl -s {base}/log/vkey)\"",
                "",
            ]
        ),
        highlight=False,
        soft_wrap=True,
    )
    stop = threading.Event()
    feeder = threading.Thread(target=act_stream, args=(settings, base, stop), name="demo-acts", daemon=True)
    feeder.start()
    app = create_app(settings, options=WebOptions(base_url=base))
    try:
        uvicorn.run(app, host=host, port=port, workers=1, log_config=None, access_log=False)
    finally:
        stop.set()
        time.sleep(0)
