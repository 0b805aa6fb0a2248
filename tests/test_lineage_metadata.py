"""What a data engineer reviewing lineage in the UI sees on every warehouse asset."""

from dagster import AssetKey, TableSchema

from pipelines import warehouse
from pipelines.definitions import defs


def specs():
    graph = defs.resolve_asset_graph()
    return {key: graph.get(key) for key in graph.get_all_asset_keys()}


def test_every_warehouse_table_asset_shows_its_columns_grain_and_owner():
    nodes = specs()
    for table in warehouse.metadata.tables:
        node = nodes[AssetKey(table)]
        schema = node.metadata["dagster/column_schema"]
        assert isinstance(schema, TableSchema)
        assert [c.name for c in schema.columns] == [
            c.name for c in warehouse.metadata.tables[table].columns]
        assert node.description and "row" in node.description.lower(), table
        assert node.owners, table
        assert node.kinds, table


def test_assets_link_to_their_code():
    for key, node in specs().items():
        if node.is_executable:
            assert "dagster/code_references" in node.metadata, key
