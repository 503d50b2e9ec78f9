"""Three small Strawberry federation subgraphs for the gateway tests, and a fetcher that calls them in-process.

- products owns Product @key(id) { id name price legacyCode } with product/products/secret and createProduct
  (for the Approval or the Finance Bureau: `@requiresScopes`);
- reviews adds Product.reviews / Product.internalNotes (`@authenticated`) and owns Review @key(id) { body product }
  (so a plan can go products -> reviews -> products), a SearchResult union, and addReview;
- inventory adds Product.inStock and Product.shippingCost @requires(fields: "price").

Entity references are resolved through per-request DataLoaders that record every batch they get.
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Annotated, Union

import strawberry
from graphql import GraphQLError
from strawberry.dataloader import DataLoader
from strawberry.types import Info


@dataclass
class Stats:
    batches: dict[str, list[list[str]]] = field(default_factory=dict)  # loader -> the keys of each batch
    mutations: list[str] = field(default_factory=list)                   # "start:x" / "end:x", in order


STATS = Stats()
PRODUCTS: dict[str, tuple[str, int]] = {}
REVIEWS: dict[str, tuple[str, str]] = {}  # review id -> (product id, body)


def reset() -> None:
    STATS.batches.clear()
    STATS.mutations.clear()
    PRODUCTS.clear()
    PRODUCTS.update({"1": ("Lamp", 120), "2": ("Desk", 250), "3": ("Chair", 80)})
    REVIEWS.clear()
    REVIEWS.update({"r1": ("1", "Bright"), "r2": ("1", "Too bright"), "r3": ("2", "Solid"),
                    "r4": ("99", "About a product nobody sells")})


def _loader(info: Info, name: str, load):
    """One DataLoader per request and name, as the real services do; each batch is recorded."""
    loaders = info.context["loaders"]
    if name not in loaders:
        async def batch(keys: list[str]):
            STATS.batches.setdefault(name, []).append(list(keys))
            return [load(key) for key in keys]
        loaders[name] = DataLoader(batch)
    return loaders[name]


async def _mutating(label: str) -> None:
    STATS.mutations.append(f"start:{label}")
    await asyncio.sleep(0.01)  # long enough for a concurrent mutation to interleave if the gateway allowed it
    STATS.mutations.append(f"end:{label}")


# -- products ---------------------------------------------------------------------------------------------------
@strawberry.federation.type(name="Product", keys=["id"], description="Something the shop sells.")
class Product:
    id: strawberry.ID
    name: str = strawberry.field(description="Display name.")
    price: int
    legacy_code: str | None = strawberry.field(default=None, deprecation_reason="Use id.")

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Product | None:
        return await _loader(info, "products.Product", _product).load(id)


def _product(id: str) -> Product | None:
    row = PRODUCTS.get(id)
    return Product(id=strawberry.ID(id), name=row[0], price=row[1]) if row else None


@strawberry.type(name="Query")
class ProductsQuery:
    @strawberry.field(description="One product, or null when there is none with this id.")
    def product(self, id: strawberry.ID) -> Product | None:
        return _product(id)

    @strawberry.field
    def products(self, first: int = 10) -> list[Product]:
        return [p for p in (_product(i) for i in list(PRODUCTS)[:first]) if p]

    @strawberry.field
    def secret(self) -> str | None:
        raise GraphQLError("secrets are for auditors", extensions={"code": "FORBIDDEN"})


@strawberry.type(name="Mutation")
class ProductsMutation:
    @strawberry.federation.mutation(requires_scopes=[["APPROVAL_BUREAU"], ["FINANCE_BUREAU"]])
    async def create_product(self, name: str, price: int = 100) -> Product:
        await _mutating(f"createProduct {name}")
        id = str(len(PRODUCTS) + 1)
        PRODUCTS[id] = (name, price)
        return _product(id)


products_schema = strawberry.federation.Schema(query=ProductsQuery, mutation=ProductsMutation,
                                               federation_version="2.11")


# -- reviews ----------------------------------------------------------------------------------------------------
@strawberry.federation.type(keys=["id"])
class Review:
    id: strawberry.ID
    body: str
    product_id: strawberry.Private[str]

    @strawberry.field
    def product(self) -> ReviewedProduct | None:
        return ReviewedProduct(id=strawberry.ID(self.product_id))

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Review | None:
        return await _loader(info, "reviews.Review", _review).load(id)


def _review(id: str) -> Review | None:
    row = REVIEWS.get(id)
    return Review(id=strawberry.ID(id), body=row[1], product_id=row[0]) if row else None


@strawberry.federation.type(name="Product", keys=["id"])
class ReviewedProduct:
    id: strawberry.ID

    @strawberry.field(description="Reviews of this product, oldest first.")
    def reviews(self) -> list[Review]:
        return [_review(rid) for rid, (pid, _) in REVIEWS.items() if pid == self.id]

    @strawberry.federation.field(authenticated=True)
    def internal_notes(self) -> str | None:
        if self.id == "2":
            raise GraphQLError("notes on this product are for staff", extensions={"code": "FORBIDDEN"})
        return f"notes on {self.id}"

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> ReviewedProduct:
        return await _loader(info, "reviews.Product", lambda key: ReviewedProduct(id=key)).load(id)


SearchResult = Annotated[Union[ReviewedProduct, Review], strawberry.union("SearchResult")]


@strawberry.type(name="Query")
class ReviewsQuery:
    @strawberry.field
    def reviews(self) -> list[Review] | None:
        return [_review(rid) for rid in REVIEWS]

    @strawberry.field
    def search(self, text: str) -> list[SearchResult]:
        found: list = [r for r in (_review(i) for i in REVIEWS) if text in r.body]
        return [ReviewedProduct(id=strawberry.ID("1")), *found]


@strawberry.type(name="Mutation")
class ReviewsMutation:
    @strawberry.mutation
    async def add_review(self, product_id: strawberry.ID, body: str) -> Review:
        await _mutating(f"addReview {body}")
        id = f"r{len(REVIEWS) + 1}"
        REVIEWS[id] = (product_id, body)
        return _review(id)


reviews_schema = strawberry.federation.Schema(query=ReviewsQuery, mutation=ReviewsMutation,
                                              types=[ReviewedProduct], federation_version="2.11")


# -- inventory --------------------------------------------------------------------------------------------------
@strawberry.federation.type(name="Product", keys=["id"])
class StockedProduct:
    id: strawberry.ID
    price: int = strawberry.federation.field(external=True, default=0)

    @strawberry.field
    def in_stock(self) -> bool:
        return self.id != "3"

    @strawberry.federation.field(requires=["price"])
    def shipping_cost(self) -> int:
        return 0 if self.price >= 100 else 5  # free shipping from 100; only right if `price` was handed in

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, price: int = -1) -> StockedProduct:
        STATS.batches.setdefault("inventory.Product", []).append([id])
        return cls(id=id, price=price)


inventory_schema = strawberry.federation.Schema(types=[StockedProduct], federation_version="2.11")

SCHEMAS = {"products": products_schema, "reviews": reviews_schema, "inventory": inventory_schema}


def service_sdls() -> dict[str, str]:
    """What the gateway gets from each subgraph's `{ _service { sdl } }`."""
    return {name: schema.execute_sync("{ _service { sdl } }").data["_service"]["sdl"] for name, schema in SCHEMAS.items()}


class RecordingFetcher:
    """Calls the subgraphs in-process and records every fetch, so tests can assert the plan that ran."""

    def __init__(self, down: tuple[str, ...] = ()):
        self.down = down
        self.calls: list[tuple[str, str, dict]] = []

    async def __call__(self, subgraph: str, query: str, variables: dict) -> dict:
        variables = json.loads(json.dumps(variables))  # as over the wire: Strawberry edits representations in place
        self.calls.append((subgraph, query, json.loads(json.dumps(variables))))
        if subgraph in self.down:
            raise ConnectionError(f"{subgraph}: connection refused")
        result = await SCHEMAS[subgraph].execute(query, variable_values=variables, context_value={"loaders": {}})
        response: dict = {"data": result.data}
        if result.errors:
            response["errors"] = [error.formatted for error in result.errors]
        return response

    @property
    def subgraphs(self) -> list[str]:
        return [subgraph for subgraph, _, _ in self.calls]

    def entity_calls(self, subgraph: str) -> list[tuple[str, dict]]:
        return [(q, v) for s, q, v in self.calls if s == subgraph and "_entities" in q]
