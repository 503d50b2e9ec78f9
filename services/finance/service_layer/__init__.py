"""Finance's money commands, one function each, inside one unit of work: the decision, its trail entry and its
outbox event commit together, or nothing does."""
