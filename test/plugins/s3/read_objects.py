"""Independent readers of the S3 sink's objects: pyarrow for Parquet, fastavro for Avro.

Usage: read_objects.py parquet|avro FILE... ; prints one JSON document: {"FILE": {"records": [...], "meta": {...}}}.
"""
import base64
import datetime
import decimal
import json
import sys


def plain(value):
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    if isinstance(value, decimal.Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime.datetime):
        return {"$timestamp": int(value.replace(tzinfo=value.tzinfo or datetime.timezone.utc).timestamp() * 1000)}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"$time": value.isoformat()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def read_parquet(path):
    import pyarrow.parquet as pq

    f = pq.ParquetFile(path)
    codecs = sorted({f.metadata.row_group(i).column(j).compression
                     for i in range(f.metadata.num_row_groups) for j in range(f.metadata.num_columns)})
    return {"records": plain(f.read().to_pylist()), "meta": {"codecs": codecs, "schema": str(f.schema_arrow)}}


def read_avro(path):
    import fastavro

    with open(path, "rb") as fh:
        reader = fastavro.reader(fh)
        records = [plain(r) for r in reader]
        return {"records": records, "meta": {"codec": reader.codec, "schema": reader.writer_schema}}


def main():
    kind, files = sys.argv[1], sys.argv[2:]
    read = read_parquet if kind == "parquet" else read_avro
    json.dump({f: read(f) for f in files}, sys.stdout)


if __name__ == "__main__":
    main()
