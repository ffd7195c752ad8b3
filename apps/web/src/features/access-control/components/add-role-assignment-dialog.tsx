import { useState, type FormEvent } from "react";
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControl,
  FormControlLabel,
  FormLabel,
  MenuItem,
  Radio,
  RadioGroup,
  Stack,
  TextField,
} from "@mui/material";
import { roles, type CreateRoleAssignmentBody, type Role, type RoleAssignment } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { fieldErrorsOf } from "../../../lib/field-errors.ts";
import { useCreateRoleAssignment } from "../api/create-role-assignment.ts";
import { roleDescriptions } from "../utils/role-descriptions.ts";

type Form = {
  principalType: CreateRoleAssignmentBody["principalType"];
  principalId: string;
  principalName: string;
  role: string;
  scope: string;
};
type Field = Exclude<keyof Form, "principalType">;

const emptyForm: Form = { principalType: "user", principalId: "", principalName: "", role: "", scope: "" };
const formFields = ["principalType", "principalId", "principalName", "role", "scope"] as const;
const labels: Record<Field, string> = { principalId: "Principal ID", principalName: "Display name", role: "Role", scope: "Scope" };

const scopeHelp =
  "/ for the whole tenant; /subscriptions/{id}; /subscriptions/{id}/resourceGroups/{name}; or a VM's resource id (…/providers/Microsoft.Compute/virtualMachines/{name}).";

function asRole(value: string): Role | undefined {
  return roles.find((role) => role === value);
}

/** Required fields are checked here for a quick answer; the server validates the rest (the scope's form above all). */
function missingFields(form: Form): Partial<Record<Field, string>> {
  const missing: Partial<Record<Field, string>> = {};
  for (const field of ["principalId", "principalName", "role", "scope"] as const) {
    if (form[field].trim() === "") missing[field] = "is required";
  }
  if (!missing.role && !asRole(form.role)) missing.role = `must be one of ${roles.join(", ")}`;
  return missing;
}

function describeRole(value: string): string {
  const role = asRole(value);
  return role ? roleDescriptions[role] : "What the principal may do in the scope.";
}

type AddRoleAssignmentDialogProps = {
  open: boolean;
  onClose: () => void;
  onAdded: (assignment: RoleAssignment) => void;
};

export function AddRoleAssignmentDialog({ open, onClose, onAdded }: AddRoleAssignmentDialogProps) {
  const [form, setForm] = useState<Form>(emptyForm);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const create = useCreateRoleAssignment();
  const server = create.isError ? fieldErrorsOf(create.error, formFields) : undefined;
  const shown = { ...server?.fields, ...errors };

  function change(field: Field, value: string) {
    setForm((current) => ({ ...current, [field]: value }));
    // The message was about the old value.
    setErrors((current) => ({ ...current, [field]: undefined }));
    if (server?.fields[field]) create.reset();
  }

  function close() {
    setForm(emptyForm);
    setErrors({});
    create.reset();
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const missing = missingFields(form);
    setErrors(missing);
    const role = asRole(form.role);
    if (Object.keys(missing).length > 0 || !role) return;
    const body: CreateRoleAssignmentBody = {
      principalType: form.principalType,
      principalId: form.principalId.trim(),
      principalName: form.principalName.trim(),
      role,
      scope: form.scope.trim(),
    };
    create.mutate(body, {
      onSuccess: (assignment) => {
        setForm(emptyForm);
        setErrors({});
        create.reset();
        onAdded(assignment);
      },
    });
  }

  const error = (field: Field) => (shown[field] ? `${labels[field]} ${shown[field]}` : undefined);

  return (
    <Dialog open={open} onClose={close} fullWidth maxWidth="sm" aria-labelledby="add-role-assignment-title">
      <form onSubmit={submit} noValidate>
        <DialogTitle id="add-role-assignment-title">Add role assignment</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {server?.other === undefined ? null : <ErrorAlert error={server.other} title="The role assignment was not added" />}
            <FormControl>
              <FormLabel id="principal-type-label">Principal type</FormLabel>
              <RadioGroup
                row
                aria-labelledby="principal-type-label"
                value={form.principalType}
                onChange={(event) => {
                  const principalType = event.target.value === "group" ? "group" : "user";
                  setForm((current) => ({ ...current, principalType }));
                }}
              >
                <FormControlLabel value="user" control={<Radio size="small" />} label="User" />
                <FormControlLabel value="group" control={<Radio size="small" />} label="Group" />
              </RadioGroup>
            </FormControl>
            <TextField
              label={labels.principalId}
              value={form.principalId}
              onChange={(event) => change("principalId", event.target.value)}
              error={shown.principalId !== undefined}
              helperText={
                error("principalId") ??
                (form.principalType === "user"
                  ? "The user's object id (the oid claim)."
                  : "The group's id, as in the groups claim of the token.")
              }
              autoComplete="off"
              required
            />
            <TextField
              label={labels.principalName}
              value={form.principalName}
              onChange={(event) => change("principalName", event.target.value)}
              error={shown.principalName !== undefined}
              helperText={error("principalName") ?? "How this user or group is named in this list."}
              autoComplete="off"
              required
            />
            <TextField
              select
              label={labels.role}
              value={form.role}
              onChange={(event) => change("role", event.target.value)}
              error={shown.role !== undefined}
              helperText={error("role") ?? describeRole(form.role)}
              required
            >
              {roles.map((role) => (
                <MenuItem key={role} value={role}>
                  {role}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              label={labels.scope}
              value={form.scope}
              onChange={(event) => change("scope", event.target.value)}
              error={shown.scope !== undefined}
              helperText={error("scope") ?? scopeHelp}
              autoComplete="off"
              spellCheck={false}
              required
            />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="contained" loading={create.isPending}>
            Add
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
