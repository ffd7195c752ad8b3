import { createTheme } from "@mui/material";

const azureBlue = "#0078d4";

/** Close to the Azure portal: Fluent blue, Segoe UI, square corners, dense tables, no shouting buttons. */
export const theme = createTheme({
  palette: {
    primary: { main: azureBlue, dark: "#005a9e", light: "#deecf9" },
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
    MuiButton: { defaultProps: { disableElevation: true } },
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
