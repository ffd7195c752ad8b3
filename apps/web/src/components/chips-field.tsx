import { useState } from "react";
import { Autocomplete, TextField } from "@mui/material";
import { chipValues } from "../lib/chip-values.ts";

type ChipsFieldProps = {
  id: string;
  label: string;
  values: readonly string[];
  onChange: (values: string[]) => void;
  helperText?: string;
  error?: boolean;
  placeholder?: string;
  disabled?: boolean;
};

/**
 * Free text entered as chips (user names, group ids, e-mail addresses): Enter, a comma or leaving the field
 * adds what was typed, so nothing typed is lost on Save.
 */
export function ChipsField({ id, label, values, onChange, helperText, error = false, placeholder, disabled = false }: ChipsFieldProps) {
  const [text, setText] = useState("");
  return (
    <Autocomplete
      multiple
      freeSolo
      autoSelect
      id={id}
      options={[]}
      value={[...values]}
      disabled={disabled}
      inputValue={text}
      onChange={(_event, next) => onChange(chipValues(next))}
      onInputChange={(_event, typed, reason) => {
        // A comma or semicolon ends an entry, as in a mail client.
        if (reason === "input" && /[,;]\s*$/.test(typed)) {
          onChange(chipValues([...values, typed]));
          setText("");
        } else {
          setText(typed);
        }
      }}
      renderInput={(params) => (
        <TextField {...params} size="small" label={label} helperText={helperText} error={error} placeholder={values.length === 0 ? placeholder : undefined} />
      )}
    />
  );
}
