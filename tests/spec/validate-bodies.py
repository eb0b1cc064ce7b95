#!/usr/bin/python3
"""Validate Media Edge request bodies against media-edge.yaml.

usage: validate-bodies.py media-edge.yaml RECORDS

RECORDS holds one JSON object per line: {"path": "/ee/va/v1/play", "body": {...}}.
Each body must validate against the requestBody schema of its endpoint.
Exits 1 and names every failing body otherwise.
"""
import json
import sys

import jsonschema
import yaml


def new_validator(operation):
    """A validator of the request bodies of @operation, its schema checked"""
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def main():
    with open(sys.argv[1]) as f:
        spec = yaml.safe_load(f)
    failures = 0
    count = 0
    # one validator per endpoint: checking the schema again for each body
    # took most of the time of the suites that send thousands of them
    validators = {}
    with open(sys.argv[2]) as f:
        for line in f:
            if not line.strip():
                continue
            record = json.loads(line)
            endpoint = "/" + record["path"].rsplit("/", 1)[-1]
            count += 1
            operation = spec["paths"].get(endpoint, {}).get("post")
            if operation is None:
                print(f"{endpoint}: not an endpoint of media-edge.yaml")
                failures += 1
                continue
            if endpoint not in validators:
                validators[endpoint] = new_validator(operation)
            error = jsonschema.exceptions.best_match(
                validators[endpoint].iter_errors(record["body"]))
            if error is not None:
                print(f"{endpoint}: {error.message} at {list(error.absolute_path)}")
                failures += 1
    print(f"{count} bodies checked, {failures} invalid")
    return 1 if failures or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
