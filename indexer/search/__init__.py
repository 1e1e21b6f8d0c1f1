"""A query -> a SearchPage: parsing, matching, facets, the zero-results chain,
highlighting, related articles, suggestions, keywords and synonyms."""
