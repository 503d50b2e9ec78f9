"""Parsing and validation done once per document, not once per request: the gateway sends each subgraph the same
few query texts (one per plan), so re-parsing and re-validating them is pure waste.

Strawberry's `ParserCache` keys its cache by the query text (and the parse options, the token limit among them),
which is exact. Its `ValidationCache` keys by the parsed document, whose equality is structural: two texts that
differ only in ignored characters of the same length (a newline where another had a space) compare equal, and a
cached error would then carry the other text's line numbers. `ValidationCache` here keys by the query text instead,
so a hit is the very same document; both keys hold nothing of the caller (no variables, no identity, no context),
and what is cached is the parse and the validation, never an execution. Each request gets its own copies of
cached validation errors, because extensions after this one (ApolloErrorCodes) write codes into them.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

from graphql import GraphQLError, GraphQLSchema
from strawberry.extensions import MaxAliasesLimiter, ParserCache, QueryDepthLimiter
from strawberry.extensions import ValidationCache as StrawberryValidationCache
from strawberry.schema.schema import validate_document

# Distinct documents kept per process: the gateway's plans for the front-ends' operations, with room to spare; a
# caller sending ever new texts only evicts (bounded memory), it cannot grow the cache.
CACHE_SIZE = 512

ValidationKey = tuple[GraphQLSchema, str, tuple]


class _Validated:
    """A bounded LRU of validation results: (schema, query text, rules) -> errors."""

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self.results: OrderedDict[ValidationKey, tuple[GraphQLError, ...]] = OrderedDict()
        self.misses = 0

    def get(self, key: ValidationKey, validate) -> tuple[GraphQLError, ...]:
        try:
            self.results.move_to_end(key)
            return self.results[key]
        except KeyError:
            pass
        self.misses += 1
        errors = tuple(validate())
        self.results[key] = errors
        if len(self.results) > self.maxsize:
            self.results.popitem(last=False)
        return errors


VALIDATED = _Validated(CACHE_SIZE)


def _copy(error: GraphQLError) -> GraphQLError:
    return GraphQLError(error.message, error.nodes, error.source, error.positions, error.path, error.original_error,
                        dict(error.extensions) if error.extensions else None)


class ValidationCache(StrawberryValidationCache):
    """Strawberry's ValidationCache keyed by the query text, not the document's structure (see the module)."""

    def __init__(self, results: _Validated = VALIDATED) -> None:
        super().__init__(maxsize=results.maxsize)
        self.results = results

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is None:  # a document given already parsed: nothing to key it by, validate as usual
            yield
            return
        schema, document, rules = context.schema._schema, context.graphql_document, context.validation_rules
        errors = self.results.get((schema, context.query, rules), lambda: validate_document(schema, document, rules))
        context.pre_execution_errors = [_copy(e) for e in errors]
        yield


def limit_rules(*, max_depth: int, max_aliases: int) -> tuple:
    """The depth and alias limits' validation rules, built once. Strawberry's limiters build new rule classes each
    time one is made, and a schema makes its extensions anew for every request: rules that differ on every request
    would make every validation a cache miss."""
    return (*QueryDepthLimiter(max_depth).validation_rules, *MaxAliasesLimiter(max_aliases).validation_rules)


class _ParserCache(ParserCache):
    """Strawberry's ParserCache, except that a document that does not parse is left to Strawberry's own parse: the
    cache's syntax error would escape before Strawberry's handling of parse errors, and reach the caller as an
    unexpected error instead of GRAPHQL_PARSE_FAILED."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(context.query, **context.parse_options)
        except GraphQLError:
            context.graphql_document = None  # parsed again, and reported, by Strawberry
        yield


def parser_cache() -> ParserCache:
    return _ParserCache(maxsize=CACHE_SIZE)
