import { Link } from "@mui/material";

export const mainContentId = "main-content";

/** The first stop of the Tab key: jumps past the top bar and the navigation to the page. Hidden until focused. */
export function SkipLink() {
  return (
    <Link
      href={`#${mainContentId}`}
      onClick={(event) => {
        // Focus (not only scroll) so the next Tab continues inside the page.
        event.preventDefault();
        document.getElementById(mainContentId)?.focus();
      }}
      sx={{
        position: "fixed",
        left: 8,
        top: -64,
        zIndex: (theme) => theme.zIndex.tooltip + 1,
        px: 2,
        py: 1,
        bgcolor: "background.paper",
        color: "primary.dark",
        fontWeight: 600,
        border: 2,
        borderColor: "primary.dark",
        "&:focus": { top: 8 },
      }}
    >
      Skip to main content
    </Link>
  );
}
