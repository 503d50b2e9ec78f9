"""Persisted operations: Apollo's automatic persisted queries, and trusted documents for production.

- **Automatic persisted queries** (APQ, the `persistedQuery` request extension Apollo Client's link sends): a
  client sends only `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": ...}}}`; an unknown hash is
  answered `PERSISTED_QUERY_NOT_FOUND`, the client sends the query with its hash once, and the gateway keeps it
  (a bounded, least-recently-used store: a stranger cannot grow it without limit).
- **Trusted documents** (a manifest of the operations a front-end shipped: Apollo's persisted-query manifest
  `{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body", ...}]}` or a plain `{"<hash>":
  "<document>"}` map, as Relay and GraphQL Code Generator write). A client refers to one by its hash, in the
  `persistedQuery` extension or as `documentId` (`sha256:<hash>` too). With `trusted_documents_only` the gateway
  runs nothing else: a document that is not in the manifest is refused `PERSISTED_QUERY_NOT_IN_LIST`, sent by id
  or in full, and APQ registration is off.
"""
from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path

from shared.graphql_over_http import BAD_REQUEST


class PersistedQueryError(Exception):
    """A persisted-operation request that cannot run: the message, Apollo's code, and the HTTP status."""

    def __init__(self, message: str, code: str, status: int = 400):
        super().__init__(message)
        self.code, self.status = code, status


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_manifest(path: Path) -> dict[str, str]:
    """hash -> document, from an Apollo persisted-query manifest or a plain {hash: document} map. Every id is
    checked to be the SHA-256 of its document, so a reference can never run a different text."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not a readable JSON manifest: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("operations"), list):
        pairs = [(op.get("id"), op.get("body")) for op in data["operations"] if isinstance(op, dict)]
    elif isinstance(data, dict):
        pairs = list(data.items())
    else:
        raise ValueError(f"{path}: expected an object")
    documents = {}
    for document_id, body in pairs:
        if not isinstance(document_id, str) or not isinstance(body, str):
            raise ValueError(f"{path}: every operation needs a string id and body")
        if sha256(body) != document_id.removeprefix("sha256:"):
            raise ValueError(f"{path}: id {document_id} is not the SHA-256 of its document")
        documents[document_id.removeprefix("sha256:")] = body
    return documents


class PersistedDocuments:
    def __init__(self, trusted: Mapping[str, str] | None = None, *, trusted_only: bool = False,
                 apq_capacity: int = 10_000):
        if trusted_only and not trusted:
            raise ValueError("trusted-documents-only mode needs a manifest of trusted documents")
        self.trusted = dict(trusted or {})
        self.trusted_only = trusted_only
        self.capacity = apq_capacity
        self._apq: OrderedDict[str, str] = OrderedDict()

    @classmethod
    def from_settings(cls, settings) -> PersistedDocuments:
        trusted = read_manifest(settings.trusted_documents_file) if settings.trusted_documents_file else None
        return cls(trusted, trusted_only=settings.trusted_documents_only)

    def _known(self, document_hash: str) -> str | None:
        if document_hash in self.trusted:
            return self.trusted[document_hash]
        if self.trusted_only:
            return None
        text = self._apq.get(document_hash)
        if text is not None:
            self._apq.move_to_end(document_hash)
        return text

    def _remember(self, document_hash: str, text: str) -> None:
        self._apq[document_hash] = text
        self._apq.move_to_end(document_hash)
        while len(self._apq) > self.capacity:
            self._apq.popitem(last=False)

    def _not_found(self) -> PersistedQueryError:
        if self.trusted_only:
            return PersistedQueryError("this operation is not one of the gateway's trusted documents",
                                       "PERSISTED_QUERY_NOT_IN_LIST")
        return PersistedQueryError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", 200)

    def resolve(self, body: dict) -> dict:
        """The request with its `query` filled in from the persisted document it names; PersistedQueryError if it
        names none we know, or (trusted-only) sends a document that is not trusted. Malformed requests without a
        persisted-operation part pass through unchanged, for the request checks to refuse."""
        extensions = body.get("extensions")
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        query = body.get("query")
        document_id = body.get("documentId")
        if persisted is not None:
            if not isinstance(persisted, dict) or persisted.get("version") != 1:
                raise PersistedQueryError("Unsupported persisted query version", BAD_REQUEST)
            document_hash = persisted.get("sha256Hash")
            if not isinstance(document_hash, str) or not document_hash:
                raise PersistedQueryError("persistedQuery.sha256Hash must be a string", BAD_REQUEST)
            if query is None or query == "":
                text = self._known(document_hash)
                if text is None:
                    raise self._not_found()
                return {**body, "query": text}
            if not isinstance(query, str):
                return body
            if sha256(query) != document_hash:
                raise PersistedQueryError("provided sha does not match query", BAD_REQUEST)
            if self.trusted_only and document_hash not in self.trusted:
                raise self._not_found()
            if document_hash not in self.trusted:
                self._remember(document_hash, query)
            return body
        if document_id is not None:
            if not isinstance(document_id, str) or query not in (None, ""):
                raise PersistedQueryError("documentId must be a string, sent without a query", BAD_REQUEST)
            text = self._known(document_id.removeprefix("sha256:"))
            if text is None:
                raise self._not_found()
            return {**body, "query": text}
        if self.trusted_only and isinstance(query, str) and sha256(query) not in self.trusted:
            raise self._not_found()
        return body
