import { useState } from "react";
import { Box, Button, IconButton, Tooltip, Typography, useMediaQuery, useTheme } from "@mui/material";
import LogoutIcon from "@mui/icons-material/Logout";

type AccountAreaProps = {
  name: string;
  /** A short summary of the user's roles; undefined while they load. */
  roles: string | undefined;
  /** Each assignment in full, for the tooltip. */
  rolesDetail?: string;
  onSignOut: () => Promise<void>;
};

/** Who is signed in, with which roles, and the way out (an icon button on a phone, so it is never clipped). */
export function AccountArea({ name, roles, rolesDetail, onSignOut }: AccountAreaProps) {
  const [signingOut, setSigningOut] = useState(false);
  const compact = useMediaQuery(useTheme().breakpoints.down("sm"), { noSsr: true });
  const signOut = () => {
    setSigningOut(true);
    // On success the page navigates to the issuer; a failure leaves the user here to try again.
    onSignOut().catch(() => setSigningOut(false));
  };
  return (
    <Box sx={{ display: "flex", alignItems: "center", gap: { xs: 0.5, sm: 1.5 }, minWidth: 0 }}>
      <Box sx={{ textAlign: "right", lineHeight: 1.2, minWidth: 0 }} aria-label="Signed-in user" role="group">
        <Typography component="div" noWrap sx={{ fontSize: "0.8125rem", fontWeight: 600, maxWidth: { xs: 150, sm: 280 } }}>
          {name}
        </Typography>
        <Typography component="div" noWrap sx={{ fontSize: "0.75rem", maxWidth: { xs: 150, sm: 280 } }} title={rolesDetail}>
          {roles ?? "\u00a0"}
        </Typography>
      </Box>
      {compact ? (
        <Tooltip title="Sign out">
          <IconButton color="inherit" aria-label="Sign out" loading={signingOut} onClick={signOut}>
            <LogoutIcon />
          </IconButton>
        </Tooltip>
      ) : (
        <Button
          color="inherit"
          size="small"
          variant="outlined"
          startIcon={<LogoutIcon fontSize="small" />}
          loading={signingOut}
          loadingPosition="start"
          onClick={signOut}
          sx={{ borderColor: "rgba(255,255,255,0.8)", flexShrink: 0 }}
        >
          Sign out
        </Button>
      )}
    </Box>
  );
}
