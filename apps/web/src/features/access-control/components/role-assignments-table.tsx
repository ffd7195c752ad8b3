import { Box, Button, Skeleton, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from "@mui/material";
import { visuallyHiddenSx } from "../../../components/visually-hidden.ts";
import type { RoleAssignment } from "@portcullis/contract";
import { formatTimestamp } from "../../../lib/format.ts";

const principalTypeLabels: Record<RoleAssignment["principalType"], string> = { user: "User", group: "Group" };

type RoleAssignmentsTableProps = {
  /** Undefined while loading. */
  assignments: readonly RoleAssignment[] | undefined;
  describeScope: (scope: string) => string;
  /** Absent when the user may not remove assignments: no Remove buttons. */
  onRemove: ((assignment: RoleAssignment) => void) | undefined;
};

const headers = ["Principal", "Type", "Role", "Scope", "Granted by", "Granted"];

export function RoleAssignmentsTable({ assignments, describeScope, onRemove }: RoleAssignmentsTableProps) {
  const columns = headers.length + (onRemove ? 1 : 0);
  return (
    <TableContainer>
      <Table aria-label="Role assignments" aria-busy={assignments === undefined}>
        <TableHead>
          <TableRow>
            {headers.map((header) => (
              <TableCell key={header}>{header}</TableCell>
            ))}
            {onRemove ? (
              <TableCell sx={{ position: "relative" }}>
                <Box component="span" sx={visuallyHiddenSx}>
                  Actions
                </Box>
              </TableCell>
            ) : null}
          </TableRow>
        </TableHead>
        <TableBody>
          {assignments === undefined ? (
            Array.from({ length: 4 }, (_row, index) => (
              <TableRow key={index} aria-hidden>
                {Array.from({ length: columns }, (_cell, cell) => (
                  <TableCell key={cell}>
                    <Skeleton variant="text" />
                  </TableCell>
                ))}
              </TableRow>
            ))
          ) : assignments.length === 0 ? (
            <TableRow>
              <TableCell colSpan={columns} sx={{ py: 5, textAlign: "center", borderBottom: "none" }}>
                <Typography variant="body2" sx={{ color: "text.secondary" }}>
                  No role assignments yet.
                </Typography>
              </TableCell>
            </TableRow>
          ) : (
            assignments.map((assignment) => {
              const scope = describeScope(assignment.scope);
              return (
                <TableRow key={assignment.id} hover>
                  <TableCell>
                    <Typography variant="body2" sx={{ fontWeight: 600 }}>
                      {assignment.principalName}
                    </Typography>
                    <Typography variant="caption" component="div" sx={{ color: "text.secondary", wordBreak: "break-all" }}>
                      {assignment.principalId}
                    </Typography>
                  </TableCell>
                  <TableCell>{principalTypeLabels[assignment.principalType]}</TableCell>
                  <TableCell>{assignment.role}</TableCell>
                  <TableCell>
                    <Typography variant="body2">{scope}</Typography>
                    {scope === assignment.scope ? null : (
                      <Typography variant="caption" component="div" sx={{ color: "text.secondary", wordBreak: "break-all" }}>
                        {assignment.scope}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>{assignment.createdBy}</TableCell>
                  <TableCell sx={{ whiteSpace: "nowrap" }}>
                    <time dateTime={assignment.createdAt}>{formatTimestamp(assignment.createdAt)}</time>
                  </TableCell>
                  {onRemove ? (
                    <TableCell align="right">
                      <Button size="small" color="error" onClick={() => onRemove(assignment)}>
                        Remove
                      </Button>
                    </TableCell>
                  ) : null}
                </TableRow>
              );
            })
          )}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
