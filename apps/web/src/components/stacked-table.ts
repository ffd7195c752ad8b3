import type { SxProps, Theme } from "@mui/material";
import { visuallyHiddenSx } from "./visually-hidden.ts";

/**
 * For a `Table` whose body cells carry `data-label` (their column's header): on a phone each row becomes a card,
 * one labelled line per cell, so nothing sits beyond the screen's edge. The header row stays in the document for
 * assistive technology, only visually hidden; cells without `data-label` (a row's actions) span the card.
 * Wider windows keep the ordinary table, scrolling inside its own box when it does not fit.
 */
export const stackedTableSx: SxProps<Theme> = (theme) => ({
  [theme.breakpoints.down("sm")]: {
    "& thead": visuallyHiddenSx,
    "& tbody, & tbody > tr": { display: "block" },
    "& tbody > tr": { borderBottom: `1px solid ${theme.palette.divider}`, py: 1 },
    // A row's checkbox stands to the left of its card rather than on a line of its own.
    "& tbody > tr:has(> td.MuiTableCell-paddingCheckbox)": { display: "grid", gridTemplateColumns: "auto minmax(0, 1fr)", alignItems: "start" },
    "& tbody > tr > td.MuiTableCell-paddingCheckbox": { gridColumn: 1, gridRow: "1 / span 20", px: 0.5 },
    "& tbody > tr:has(> td.MuiTableCell-paddingCheckbox) > td:not(.MuiTableCell-paddingCheckbox)": { gridColumn: 2, pl: 0.5 },
    "& tbody > tr > td": {
      display: "block",
      borderBottom: "none",
      py: 0.5,
      px: 2,
      textAlign: "left",
      maxWidth: "none",
      width: "auto",
      minWidth: 0,
      overflowWrap: "anywhere",
    },
    // The label in the first column, the cell's content (however many blocks) in the second.
    "& tbody > tr > td[data-label]": {
      display: "grid",
      gridTemplateColumns: "minmax(5.5rem, 36%) minmax(0, 1fr)",
      columnGap: theme.spacing(1.5),
      alignItems: "start",
    },
    "& tbody > tr > td[data-label]::before": {
      content: "attr(data-label)",
      gridColumn: 1,
      gridRow: "1 / span 20",
      fontWeight: 600,
      color: theme.palette.text.secondary,
    },
    "& tbody > tr > td[data-label] > *": { gridColumn: 2 },
    "& tbody > tr > td:not([data-label]) > .MuiStack-root": { justifyContent: "flex-start", flexWrap: "wrap" },
  },
});
