import { Skeleton, TableCell, TableRow } from "@mui/material";

/** Placeholder rows with the table's own shape while the first page loads. */
export function VmTableSkeletonRows({ columns, rows }: { columns: number; rows: number }) {
  return (
    <>
      {Array.from({ length: rows }, (_row, rowIndex) => (
        <TableRow key={rowIndex} aria-hidden>
          {Array.from({ length: columns }, (_cell, cellIndex) => (
            <TableCell key={cellIndex}>
              <Skeleton variant="text" width={cellIndex === 0 ? "80%" : "60%"} />
            </TableCell>
          ))}
        </TableRow>
      ))}
    </>
  );
}
