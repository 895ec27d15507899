import { SpanKind, type Span, type Tracer } from "@opentelemetry/api";
import { AliasNode, TableNode, type KyselyPlugin, type OperationNode, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from "kysely";
import type { Storage } from "../storage/db.js";

/** The storage with a span per query: the operation and the table, read from the query tree, never SQL text or parameters. */
export function tracedStorage(storage: Storage, tracer: Tracer): Storage {
  const system = storage.dialect === "postgres" ? "postgresql" : "sqlite";
  return { ...storage, db: storage.db.withPlugin(new QuerySpans(tracer, system)) };
}

class QuerySpans implements KyselyPlugin {
  // Keyed by Kysely's query id: a query that fails never reaches transformResult, and its
  // unfinished span is forgotten with the id (it is not exported).
  readonly #open = new WeakMap<object, Span>();

  constructor(
    private readonly tracer: Tracer,
    private readonly system: string,
  ) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const { operation, table } = describeQuery(args.node);
    const span = this.tracer.startSpan("db", {
      kind: SpanKind.CLIENT,
      attributes: { "db.system.name": this.system, "db.operation.name": operation, ...(table ? { "db.collection.name": table } : {}) },
    });
    this.#open.set(args.queryId, span);
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.#open.get(args.queryId)?.end();
    this.#open.delete(args.queryId);
    return Promise.resolve(args.result);
  }
}

export function describeQuery(node: RootOperationNode): { operation: string; table?: string } {
  const named = (operation: string, table: OperationNode | undefined) => {
    const name = tableName(table);
    return name ? { operation, table: name } : { operation };
  };
  switch (node.kind) {
    case "SelectQueryNode":
      return named("select", node.from?.froms[0]);
    case "InsertQueryNode":
      return named("insert", node.into);
    case "UpdateQueryNode":
      return named("update", node.table);
    case "DeleteQueryNode":
      return named("delete", node.from.froms[0]);
    case "MergeQueryNode":
      return named("merge", node.into);
    case "RawNode":
      return { operation: "raw" };
    default:
      return { operation: "ddl" };
  }
}

function tableName(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined;
  if (TableNode.is(node)) return node.table.identifier.name;
  if (AliasNode.is(node)) return tableName(node.node);
  return undefined;
}
