import { useState } from "react";
import { Box, Button, Typography } from "@mui/material";
import LogoutIcon from "@mui/icons-material/Logout";

type AccountAreaProps = {
  name: string;
  /** A short summary of the user's roles; undefined while they load. */
  roles: string | undefined;
  /** Each assignment in full, for the tooltip. */
  rolesDetail?: string;
  onSignOut: () => Promise<void>;
};

/** Who is signed in, with which roles, and the way out. */
export function AccountArea({ name, roles, rolesDetail, onSignOut }: AccountAreaProps) {
  const [signingOut, setSigningOut] = useState(false);
  return (
    <Box sx={{ display: "flex", alignItems: "center", gap: 1.5 }}>
      <Box sx={{ textAlign: "right", lineHeight: 1.2 }} aria-label="Signed-in user" role="group">
        <Typography component="div" sx={{ fontSize: "0.8125rem", fontWeight: 600 }}>
          {name}
        </Typography>
        <Typography component="div" sx={{ fontSize: "0.75rem", opacity: 0.85 }} title={rolesDetail}>
          {roles ?? "\u00a0"}
        </Typography>
      </Box>
      <Button
        color="inherit"
        size="small"
        variant="outlined"
        startIcon={<LogoutIcon fontSize="small" />}
        loading={signingOut}
        loadingPosition="start"
        onClick={() => {
          setSigningOut(true);
          // On success the page navigates to the issuer; a failure leaves the user here to try again.
          onSignOut().catch(() => setSigningOut(false));
        }}
        sx={{ borderColor: "rgba(255,255,255,0.6)" }}
      >
        Sign out
      </Button>
    </Box>
  );
}
