"""Open data (R-PUB-1, Art 19): the published projects as an OC4IDS project package, built from the public's
GraphQL view wherever it is read (the gateway's download, the `egov publish oc4ids` command)."""
