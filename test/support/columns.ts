import { columnName } from "../../kit/subgraph";

/**
 * The row fields `map` reads from `row`: a mapper's test holds them to its
 * repository's column list, so a mapper that reads a column the statement does
 * not select fails there, not as a missing value in an answer.
 */
export function fieldsRead<R extends object>(map: (row: R) => unknown, row: R): string[] {
  const read = new Set<string>();
  const watched = new Proxy(row, {
    get(target, field, receiver) {
      if (typeof field === "string") read.add(field);
      return Reflect.get(target, field, receiver) as unknown;
    },
  });
  map(watched);
  return [...read].sort();
}

/** Every field `map` reads from `row` is one of `columns` (`table.column` names the field `column`). */
export function expectReadsOnly<R extends object>(columns: readonly string[], map: (row: R) => unknown, row: R): void {
  const listed = new Set(columns.map(columnName));
  expect(fieldsRead(map, row).filter((field) => !listed.has(field))).toEqual([]);
}
