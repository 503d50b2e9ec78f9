"""What front-ends generate their types from: the committed subgraph SDL composed as the gateway composes it, with
the gateway's own `Subscription` root (`schema.graphql`), and who may call each mutation by Article 5
(`access.json`: the federation authorization directives, which a client schema does not carry).

`python -m gateway.client_schema console` rewrites the console's copies (a unit test says when they are stale)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from gateway.composition import compose
from gateway.subscriptions.schema import with_subscriptions
from gateway.supergraph import Supergraph

ROOT = Path(__file__).resolve().parents[1]
SUBGRAPHS = ("approval", "finance", "audit", "secrecy")


def client_supergraph(root: Path = ROOT) -> Supergraph:
    sdls = {name: (root / "services" / name / "schema.graphql").read_text(encoding="utf-8") for name in SUBGRAPHS}
    return with_subscriptions(compose(sdls))


def client_files(supergraph: Supergraph) -> dict[str, str]:
    """file name -> text: the client SDL and, per mutation, the departments that may call it (any one set)."""
    mutation = supergraph.schema.mutation_type
    access = {name: [list(scopes) for scopes in supergraph.access_of("Mutation", name).scopes or ()]
              for name in sorted(mutation.fields)}
    return {"schema.graphql": supergraph.api_sdl.strip() + "\n",
            "access.json": json.dumps({"mutations": access}, indent=1, sort_keys=True) + "\n"}


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "console")
    for file_name, text in client_files(client_supergraph()).items():
        (folder / file_name).write_text(text, encoding="utf-8")
        print(f"wrote {folder / file_name}")
