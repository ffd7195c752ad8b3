/**
 * Read by assistive technology, not drawn. Sizes are in px on purpose: in MUI's `sx` a bare `1` means 100%, which
 * made a "hidden" header span as wide as the page and the page scroll sideways. Give its parent `position: relative`
 * when it sits inside a scrolling box (a table), or it is placed outside that box and widens the page.
 */
export const visuallyHiddenSx = {
  position: "absolute",
  width: "1px",
  height: "1px",
  padding: 0,
  margin: "-1px",
  overflow: "hidden",
  clip: "rect(0 0 0 0)",
  whiteSpace: "nowrap",
  border: 0,
} as const;
