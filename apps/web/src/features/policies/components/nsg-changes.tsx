import type { ReactNode } from "react";
import { Chip, Paper, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import type { NsgChangeSummary, PlannedRule } from "@portcullis/contract";
import { ruleProtocolLabel } from "../utils/describe-policy.ts";

function joinOr(values: readonly string[], empty: string): string {
  return values.length > 0 ? values.join(", ") : empty;
}

function RulesTable({ caption, rules }: { caption: string; rules: readonly PlannedRule[] }) {
  return (
    <Table size="small" aria-label={caption}>
      <TableHead>
        <TableRow>
          <TableCell>Priority</TableCell>
          <TableCell>Name</TableCell>
          <TableCell>Access</TableCell>
          <TableCell>Ports</TableCell>
          <TableCell>Source</TableCell>
          <TableCell>Destination</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rules.map((rule) => (
          <TableRow key={rule.name}>
            <TableCell>{rule.priority}</TableCell>
            <TableCell sx={{ wordBreak: "break-all" }} title={rule.description}>
              {rule.name}
            </TableCell>
            <TableCell>
              <Chip size="small" variant="outlined" color={rule.access === "Deny" ? "error" : "success"} label={rule.access} />
            </TableCell>
            <TableCell sx={{ whiteSpace: "nowrap" }}>
              {joinOr(rule.ports, "*")} {ruleProtocolLabel(rule.protocol)}
            </TableCell>
            <TableCell>{joinOr(rule.sources, "*")}</TableCell>
            <TableCell>{joinOr(rule.destinations, "*")}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack spacing={0.5}>
      <Typography variant="subtitle2" component="h4">
        {title}
      </Typography>
      {children}
    </Stack>
  );
}

/** What one operation does (or did) to one NSG: rules added, removed, changed and renumbered. */
export function NsgChanges({ change }: { change: NsgChangeSummary }) {
  const { added, removed, updated, renumbered } = change;
  const nothing = added.length + removed.length + updated.length + renumbered.length === 0;
  return (
    <Paper variant="outlined" component="section" aria-label={`Changes to ${change.nsgName}`} sx={{ p: 1.5 }}>
      <Stack spacing={1.5}>
        <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }} title={change.nsgId}>
          {change.nsgName}
        </Typography>
        {nothing ? (
          <Typography variant="body2" sx={{ color: "text.secondary" }}>
            No change.
          </Typography>
        ) : null}
        {added.length > 0 ? (
          <Section title={`Rules to add (${added.length})`}>
            <RulesTable caption={`Rules added to ${change.nsgName}`} rules={added} />
          </Section>
        ) : null}
        {updated.length > 0 ? (
          <Section title={`Rules to change (${updated.length})`}>
            <RulesTable caption={`Rules changed in ${change.nsgName}`} rules={updated} />
          </Section>
        ) : null}
        {removed.length > 0 ? (
          <Section title={`Rules to remove (${removed.length})`}>
            <RulesTable caption={`Rules removed from ${change.nsgName}`} rules={removed} />
          </Section>
        ) : null}
        {renumbered.length > 0 ? (
          <Section title={`Existing rules renumbered (${renumbered.length})`}>
            <Table size="small" aria-label={`Rules renumbered in ${change.nsgName}`}>
              <TableHead>
                <TableRow>
                  <TableCell>Name</TableCell>
                  <TableCell>Priority now</TableCell>
                  <TableCell>New priority</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {renumbered.map((rule) => (
                  <TableRow key={rule.name}>
                    <TableCell sx={{ wordBreak: "break-all" }}>{rule.name}</TableCell>
                    <TableCell>{rule.from}</TableCell>
                    <TableCell>{rule.to}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Section>
        ) : null}
      </Stack>
    </Paper>
  );
}

/** Every NSG an operation touches; says so when it touches none. */
export function NsgChangeList({ nsgs }: { nsgs: readonly NsgChangeSummary[] }) {
  if (nsgs.length === 0) {
    return (
      <Typography variant="body2" sx={{ color: "text.secondary" }}>
        No network security group changes.
      </Typography>
    );
  }
  return (
    <Stack spacing={1.5}>
      {nsgs.map((change) => (
        <NsgChanges key={change.nsgId} change={change} />
      ))}
    </Stack>
  );
}
