export {
  parseTemplate,
  renderTemplate,
  TEMPLATE_NAMESPACES,
  TEMPLATE_VARIABLES,
  type TemplatePart,
  type TemplateResult,
  type TemplateVariable,
  usesVariables,
} from "./template.ts";
