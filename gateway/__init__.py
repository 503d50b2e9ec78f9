"""The GraphQL gateway: federation composition, query planning and execution over the subgraphs."""
