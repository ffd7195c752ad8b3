import { Skeleton, Stack } from "@mui/material";

/** Shown while a page's code loads, so the shell never goes blank. */
export function PageSkeleton() {
  return (
    <Stack spacing={2} aria-busy="true" aria-label="Loading page">
      <Skeleton variant="text" width={320} height={40} />
      <Skeleton variant="rectangular" height={44} />
      <Skeleton variant="rectangular" height={240} />
    </Stack>
  );
}
