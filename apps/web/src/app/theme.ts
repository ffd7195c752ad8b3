import { createTheme } from "@mui/material";

// Fluent's darker blue rather than Azure's #0078d4, whose text reaches only 4.3:1 on the page's background (WCAG AA
// asks 4.5:1 for the blue text of outlined and text buttons, links and selected tabs).
const azureBlue = "#0063b1";
// Each status colour is dark enough for its own text on white (outlined chips, text buttons): at least 4.5:1.
const statusColours = {
  info: { main: "#0063b1" },
  warning: { main: "#a44a00" },
  success: { main: "#2e7d32" },
  error: { main: "#c62828" },
} as const;
// Disabling elevation also drops MUI's focus shadow on contained buttons: keyboard focus gets an outline instead.
const focusRing = { "&.Mui-focusVisible": { outline: "2px solid #323130", outlineOffset: 2 } } as const;

/** Close to the Azure portal: Fluent blue, Segoe UI, square corners, dense tables, no shouting buttons. */
export const theme = createTheme({
  palette: {
    primary: { main: azureBlue, dark: "#004e8c", light: "#deecf9" },
    ...statusColours,
    background: { default: "#faf9f8", paper: "#ffffff" },
    text: { primary: "#323130", secondary: "#605e5c" },
    divider: "#edebe9",
  },
  shape: { borderRadius: 2 },
  typography: {
    fontFamily: '"Segoe UI", "Segoe UI Web (West European)", -apple-system, BlinkMacSystemFont, Roboto, "Helvetica Neue", Arial, sans-serif',
    fontSize: 13,
    button: { textTransform: "none", fontWeight: 600 },
    h1: { fontSize: "1.5rem", fontWeight: 600 },
  },
  components: {
    MuiButton: { defaultProps: { disableElevation: true }, styleOverrides: { root: focusRing } },
    MuiIconButton: { styleOverrides: { root: focusRing } },
    MuiTab: { styleOverrides: { root: { textTransform: "none", fontWeight: 600, minHeight: 44 } } },
    MuiTabs: { styleOverrides: { root: { minHeight: 44 } } },
    MuiTable: { defaultProps: { size: "small" } },
    MuiTableCell: {
      styleOverrides: {
        head: { fontWeight: 600, color: "#323130", backgroundColor: "#faf9f8" },
        root: { borderBottomColor: "#edebe9" },
      },
    },
    MuiTooltip: { defaultProps: { arrow: true } },
    MuiAppBar: { defaultProps: { elevation: 0 } },
  },
});
