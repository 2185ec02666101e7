/* godwit-sync-lint.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Which changes of a migration step the other peers of a synced store
 * notice while they still run the step's source version. A synced object
 * is one document: its concrete entity's name, and its stored attributes
 * and relationships by name (docs/cli.md, `godwit-cli sync`). Peers are
 * taken to read a document by its members, leaving alone those they do
 * not know and taking those it lacks as unset. Then adding an entity or
 * an optional property is harmless, while removing, renaming or reshaping
 * one loses values or objects on the way (breaks sync), and some changes
 * only refuse some values (a warning). docs/cli.md lists the rules.
 *
 * Findings come from the model diff alone: whether a store holds values
 * that a rule touches is for the data impact to count.
 */

#define G_LOG_DOMAIN "godwit-sync-lint"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "godwit-sync-lint.h"

typedef struct
{
  GodwitModelDiff *diff;
  GHashTable      *reported;   /* (element-type utf8): property changes linted, as "source:destination" */
} Lint;

void
godwit_sync_lint_finding_free (GodwitSyncLintFinding *finding)
{
  if (finding == NULL)
    return;

  g_free (finding->entity);
  g_free (finding->property);
  g_free (finding->message);
  g_free (finding);
}

const char *
godwit_sync_lint_severity_to_string (GodwitSyncLintSeverity severity)
{
  switch (severity)
    {
    case GODWIT_SYNC_LINT_WARNING:
      return "warning";
    case GODWIT_SYNC_LINT_BREAKS_SYNC:
      return "breaks-sync";
    default:
      return NULL;
    }
}

const char *
godwit_sync_lint_rule_to_string (GodwitSyncLintRule rule)
{
  switch (rule)
    {
    case GODWIT_SYNC_LINT_ENTITY_REMOVED:
      return "entity-removed";
    case GODWIT_SYNC_LINT_ENTITY_RENAMED:
      return "entity-renamed";
    case GODWIT_SYNC_LINT_ENTITY_BECOMES_ABSTRACT:
      return "entity-becomes-abstract";
    case GODWIT_SYNC_LINT_PROPERTY_REMOVED:
      return "property-removed";
    case GODWIT_SYNC_LINT_PROPERTY_RENAMED:
      return "property-renamed";
    case GODWIT_SYNC_LINT_KIND_CHANGED:
      return "kind-changed";
    case GODWIT_SYNC_LINT_TYPE_CHANGED:
      return "type-changed";
    case GODWIT_SYNC_LINT_TO_MANY_CHANGED:
      return "to-many-changed";
    case GODWIT_SYNC_LINT_DESTINATION_CHANGED:
      return "destination-changed";
    case GODWIT_SYNC_LINT_REQUIRED_VALUE_ADDED:
      return "required-value-added";
    case GODWIT_SYNC_LINT_BECOMES_REQUIRED:
      return "becomes-required";
    case GODWIT_SYNC_LINT_BECOMES_REQUIRED_WITH_DEFAULT:
      return "becomes-required-with-default";
    case GODWIT_SYNC_LINT_BECOMES_OPTIONAL:
      return "becomes-optional";
    case GODWIT_SYNC_LINT_ORDERING_CHANGED:
      return "ordering-changed";
    case GODWIT_SYNC_LINT_INVERSE_CHANGED:
      return "inverse-changed";
    case GODWIT_SYNC_LINT_HIERARCHY_CHANGED:
      return "hierarchy-changed";
    case GODWIT_SYNC_LINT_UNIQUENESS_CONSTRAINT_ADDED:
      return "uniqueness-constraint-added";
    default:
      return NULL;
    }
}

/**
 * godwit_sync_lint_finding_dup_element:
 *
 * Returns: (transfer full): what the finding is about, as older peers name
 *   it: "Entity", "Entity.property", or for a uniqueness constraint
 *   "Entity (property, …)"
 */
char *
godwit_sync_lint_finding_dup_element (const GodwitSyncLintFinding *finding)
{
  g_return_val_if_fail (finding != NULL, NULL);

  if (finding->property == NULL)
    return g_strdup (finding->entity);
  if (finding->rule == GODWIT_SYNC_LINT_UNIQUENESS_CONSTRAINT_ADDED)
    return g_strdup_printf ("%s (%s)", finding->entity, finding->property);

  return g_strdup_printf ("%s.%s", finding->entity, finding->property);
}

static void
add_finding (GPtrArray              *findings,
             GodwitSyncLintRule      rule,
             GodwitSyncLintSeverity  severity,
             const char             *entity,
             const char             *property,
             const char             *format,
             ...) G_GNUC_PRINTF (6, 7);

static void
add_finding (GPtrArray              *findings,
             GodwitSyncLintRule      rule,
             GodwitSyncLintSeverity  severity,
             const char             *entity,
             const char             *property,
             const char             *format,
             ...)
{
  GodwitSyncLintFinding *finding = g_new0 (GodwitSyncLintFinding, 1);
  va_list args;

  finding->rule = rule;
  finding->severity = severity;
  finding->entity = g_strdup (entity);
  finding->property = g_strdup (property);
  va_start (args, format);
  finding->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (findings, finding);
}

/* Types whose values a document holds in the same JSON form: a value of
 * one is read as the other, as long as it fits. */
typedef enum
{
  FORM_INTEGER,
  FORM_REAL,
  FORM_OTHER,
} ValueForm;

static ValueForm
value_form (GodwitAttributeType type)
{
  switch (type)
    {
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_16:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_32:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_64:
      return FORM_INTEGER;
    case GODWIT_ATTRIBUTE_TYPE_DOUBLE:
    case GODWIT_ATTRIBUTE_TYPE_FLOAT:
      return FORM_REAL;
    default:
      return FORM_OTHER;
    }
}

/* Entities */

/* Whether objects of @entity, or of a sub-entity, are synced: documents
 * are of concrete entities only. */
static gboolean
has_documents (GodwitEntity *entity)
{
  g_autoptr(GPtrArray) pending = g_ptr_array_new ();

  g_ptr_array_add (pending, entity);
  while (pending->len > 0)
    {
      GodwitEntity *e = g_ptr_array_steal_index_fast (pending, pending->len - 1);

      if (!e->abstract)
        return TRUE;
      for (guint i = 0; e->subentities != NULL && i < e->subentities->len; i++)
        g_ptr_array_add (pending, g_ptr_array_index (e->subentities, i));
    }

  return FALSE;
}

static guint
depth (GodwitEntity *entity)
{
  guint n = 0;

  for (GodwitEntity *e = entity->parent; e != NULL; e = e->parent)
    n++;

  return n;
}

/* Whether the documents older peers send of the entity find no entity
 * of that name able to hold them: removed, renamed or made abstract. */
static gboolean
loses_documents (const GodwitEntityChange *change)
{
  return !change->source->abstract &&
         (change->destination == NULL || change->destination->abstract ||
          strcmp (change->source->name, change->destination->name) != 0);
}

/* Entity-level findings; TRUE when the entity's documents are lost whole,
 * so that its properties need no findings of their own. */
static gboolean
lint_entity (const GodwitEntityChange *change,
             GPtrArray                *findings)
{
  GodwitEntity *from = change->source;
  GodwitEntity *to = change->destination;

  if (!loses_documents (change))
    return FALSE;

  if (to == NULL)
    {
      add_finding (findings, GODWIT_SYNC_LINT_ENTITY_REMOVED, GODWIT_SYNC_LINT_BREAKS_SYNC, from->name, NULL,
                   _("Older peers still send “%s” documents; after this step the store has no entity %s, "
                     "so their objects are dropped on pull"),
                   from->name, from->name);
      return TRUE;
    }

  if (strcmp (from->name, to->name) != 0)
    {
      add_finding (findings, GODWIT_SYNC_LINT_ENTITY_RENAMED, GODWIT_SYNC_LINT_BREAKS_SYNC, from->name, NULL,
                   _("%s is renamed to %s: document ids and “entity” change from “%s” to “%s”, so the %s "
                     "objects older peers send, and their links to them, name an entity the store no "
                     "longer has, and older peers cannot read the %s documents this store sends"),
                   from->name, to->name, from->name, to->name, from->name, to->name);
      return TRUE;
    }

  add_finding (findings, GODWIT_SYNC_LINT_ENTITY_BECOMES_ABSTRACT, GODWIT_SYNC_LINT_BREAKS_SYNC, from->name, NULL,
               _("Older peers still send “%s” documents; after this step %s is abstract and holds no "
                 "objects of its own, so their objects are dropped on pull"),
               from->name, from->name);
  return TRUE;
}

/* Properties */

static void
lint_stored_property (const GodwitPropertyChange *change,
                      const char                 *entity,
                      GPtrArray                  *findings)
{
  const GodwitProperty *from = change->source;
  const GodwitProperty *to = change->destination;
  const char *name = from->name;

  /* A new key hides every other change: older peers read nothing of it. */
  if (change->changes & GODWIT_PROPERTY_CHANGE_RENAMED)
    {
      add_finding (findings, GODWIT_SYNC_LINT_PROPERTY_RENAMED, GODWIT_SYNC_LINT_BREAKS_SYNC, entity, name,
                   _("“%s.%s” is renamed to “%s”: documents carry it under the new key, so the “%s” values "
                     "older peers send are dropped on pull, and older peers find no “%s” in the documents "
                     "this store sends"),
                   entity, name, to->name, name, name);
      return;
    }

  if (change->changes & GODWIT_PROPERTY_CHANGE_KIND)
    {
      add_finding (findings, GODWIT_SYNC_LINT_KIND_CHANGED, GODWIT_SYNC_LINT_BREAKS_SYNC, entity, name,
                   from->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE ?
                   _("“%s.%s” changes from an attribute to a relationship: documents carry it among their "
                     "relationships instead of their attributes, so neither side reads the other’s values") :
                   _("“%s.%s” changes from a relationship to an attribute: documents carry it among their "
                     "attributes instead of their relationships, so neither side reads the other’s values"),
                   entity, name);
      return;
    }

  if (change->changes & GODWIT_PROPERTY_CHANGE_TYPE)
    {
      g_autofree char *old_type = godwit_attribute_type_dup_name (from->attribute_type);
      g_autofree char *new_type = godwit_attribute_type_dup_name (to->attribute_type);

      if (value_form (from->attribute_type) != FORM_OTHER &&
          value_form (from->attribute_type) == value_form (to->attribute_type))
        add_finding (findings, GODWIT_SYNC_LINT_TYPE_CHANGED, GODWIT_SYNC_LINT_WARNING, entity, name,
                     _("“%s.%s” changes type from %s to %s: documents hold numbers either way, but a value "
                       "that one side sends and the other side’s type cannot hold is refused"),
                     entity, name, old_type, new_type);
      else
        add_finding (findings, GODWIT_SYNC_LINT_TYPE_CHANGED, GODWIT_SYNC_LINT_BREAKS_SYNC, entity, name,
                     _("“%s.%s” changes type from %s to %s: the %s values older peers send are refused on "
                       "pull, and older peers cannot read the %s values this store sends"),
                     entity, name, old_type, new_type, old_type, new_type);
    }

  if (change->changes & GODWIT_PROPERTY_CHANGE_TO_MANY)
    add_finding (findings, GODWIT_SYNC_LINT_TO_MANY_CHANGED, GODWIT_SYNC_LINT_BREAKS_SYNC, entity, name,
                 to->to_many ?
                 _("“%s.%s” changes from a to-one to a to-many relationship: documents hold an array of ids "
                   "instead of one id or null, so neither side reads the other’s links") :
                 _("“%s.%s” changes from a to-many to a to-one relationship: documents hold one id or null "
                   "instead of an array of ids, so neither side reads the other’s links"),
                 entity, name);

  if (change->changes & GODWIT_PROPERTY_CHANGE_DESTINATION)
    add_finding (findings, GODWIT_SYNC_LINT_DESTINATION_CHANGED, GODWIT_SYNC_LINT_BREAKS_SYNC, entity, name,
                 _("“%s.%s” changes destination from %s to %s: the links to %s objects that older peers "
                   "send are refused on pull, and older peers cannot follow links to %s objects"),
                 entity, name, from->destination_entity, to->destination_entity,
                 from->destination_entity, to->destination_entity);

  if ((change->changes & GODWIT_PROPERTY_CHANGE_OPTIONAL) && !to->optional)
    {
      if (change->needs_value && to->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP)
        add_finding (findings, GODWIT_SYNC_LINT_BECOMES_REQUIRED, GODWIT_SYNC_LINT_BREAKS_SYNC, entity, name,
                     _("“%s.%s” becomes non-optional: older peers may send it without a link (null), "
                       "and such documents are refused on pull"),
                     entity, name);
      else if (change->needs_value)
        add_finding (findings, GODWIT_SYNC_LINT_BECOMES_REQUIRED, GODWIT_SYNC_LINT_BREAKS_SYNC, entity, name,
                     _("“%s.%s” becomes non-optional without a default value: older peers may send it "
                       "without a value (null), and such documents are refused on pull"),
                     entity, name);
      else if (to->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE)
        add_finding (findings, GODWIT_SYNC_LINT_BECOMES_REQUIRED_WITH_DEFAULT, GODWIT_SYNC_LINT_WARNING,
                     entity, name,
                     _("“%s.%s” becomes non-optional: older peers may send it without a value (null), "
                       "which the default value “%s” does not fill, so such documents are refused on pull"),
                     entity, name, to->default_value);
    }

  /* A to-many relationship holds an array, empty or not, on both sides. */
  if ((change->changes & GODWIT_PROPERTY_CHANGE_OPTIONAL) && to->optional &&
      (to->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE || !to->to_many))
    add_finding (findings, GODWIT_SYNC_LINT_BECOMES_OPTIONAL, GODWIT_SYNC_LINT_WARNING, entity, name,
                 _("“%s.%s” becomes optional: this store may send it without a value (null), which older "
                   "peers, for whom it is non-optional, refuse"),
                 entity, name);

  if ((change->changes & GODWIT_PROPERTY_CHANGE_ORDERED) && from->to_many && to->to_many)
    {
      if (to->ordered)
        add_finding (findings, GODWIT_SYNC_LINT_ORDERING_CHANGED, GODWIT_SYNC_LINT_WARNING, entity, name,
                     _("“%s.%s” becomes ordered: older peers send its links sorted by id, so the order of "
                       "the objects they change is lost"),
                     entity, name);
      else
        add_finding (findings, GODWIT_SYNC_LINT_ORDERING_CHANGED, GODWIT_SYNC_LINT_WARNING, entity, name,
                     _("“%s.%s” is no longer ordered: this store sends its links sorted by id, so older "
                       "peers lose the order they keep"),
                     entity, name);
    }

  if ((change->changes & GODWIT_PROPERTY_CHANGE_INVERSE) &&
      !(change->changes & GODWIT_PROPERTY_CHANGE_DESTINATION))
    add_finding (findings, GODWIT_SYNC_LINT_INVERSE_CHANGED, GODWIT_SYNC_LINT_WARNING, entity, name,
                 _("“%s.%s” changes inverse from %s to %s: older peers keep the old pair of relationships "
                   "in step, so the links they send on either side may disagree with this version’s pair"),
                 entity, name,
                 /* Translators: an inverse relationship that is not set */
                 from->inverse_name != NULL ? from->inverse_name : _("none"),
                 to->inverse_name != NULL ? to->inverse_name : _("none"));
}

static void
lint_property (const GodwitPropertyChange *change,
               const char                 *entity,
               GPtrArray                  *findings)
{
  gboolean was_stored = change->source != NULL && godwit_property_is_stored (change->source);
  gboolean is_stored = change->destination != NULL && godwit_property_is_stored (change->destination);

  if (was_stored && !is_stored)
    {
      const GodwitProperty *from = change->source;

      if (change->destination == NULL)
        add_finding (findings, GODWIT_SYNC_LINT_PROPERTY_REMOVED, GODWIT_SYNC_LINT_BREAKS_SYNC, entity, from->name,
                     from->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP ?
                     _("Older peers still send “%s.%s”; after this step the store has no such relationship, "
                       "so their values are dropped on pull") :
                     _("Older peers still send “%s.%s”; after this step the store has no such attribute, "
                       "so their values are dropped on pull"),
                     entity, from->name);
      else
        add_finding (findings, GODWIT_SYNC_LINT_PROPERTY_REMOVED, GODWIT_SYNC_LINT_BREAKS_SYNC, entity, from->name,
                     _("Older peers still send “%s.%s”; after this step it is no longer stored, so their "
                       "values are dropped on pull"),
                     entity, from->name);
    }
  else if (!was_stored && is_stored)
    {
      const GodwitProperty *to = change->destination;
      const char *name = change->source != NULL ? change->source->name : to->name;

      /* An optional one, or one with a default value, is simply unset in
       * older peers' documents. */
      if (!change->needs_value)
        return;

      if (to->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP)
        add_finding (findings, GODWIT_SYNC_LINT_REQUIRED_VALUE_ADDED, GODWIT_SYNC_LINT_BREAKS_SYNC, entity, name,
                     _("Older peers do not send “%s.%s”: the objects they make or change arrive without a "
                       "link for a non-optional to-one relationship, and are refused on pull"),
                     entity, name);
      else
        add_finding (findings, GODWIT_SYNC_LINT_REQUIRED_VALUE_ADDED, GODWIT_SYNC_LINT_BREAKS_SYNC, entity, name,
                     _("Older peers do not send “%s.%s”: the objects they make or change arrive without a "
                       "value for a non-optional attribute that has no default value, and are refused on pull"),
                     entity, name);
    }
  else if (was_stored)
    lint_stored_property (change, entity, findings);
}

/* Each property change once, at the entity highest in the hierarchy that
 * has it: a sub-entity inherits its parent's change, and its documents
 * are covered by the parent's finding. */
static gboolean
claim_property (Lint                       *lint,
                const GodwitPropertyChange *change)
{
  g_autofree char *key = g_strdup_printf ("%p:%p", (gpointer) change->source, (gpointer) change->destination);

  if (g_hash_table_contains (lint->reported, key))
    return FALSE;

  g_hash_table_add (lint->reported, g_steal_pointer (&key));

  return TRUE;
}

/* The uniqueness constraints of @entity and its ancestors. */
static GPtrArray *
dup_constraints (GodwitEntity *entity)
{
  GPtrArray *constraints = g_ptr_array_new ();

  for (GodwitEntity *e = entity; e != NULL; e = e->parent)
    for (guint i = 0; i < e->uniqueness_constraints->len; i++)
      g_ptr_array_add (constraints, g_ptr_array_index (e->uniqueness_constraints, i));

  return constraints;
}

static gboolean
same_names (GStrv       names,
            GPtrArray  *others)
{
  if (g_strv_length (names) != others->len)
    return FALSE;

  for (guint i = 0; i < others->len; i++)
    if (!g_strv_contains ((const char * const *) names, g_ptr_array_index (others, i)))
      return FALSE;

  return TRUE;
}

/* A constraint the destination declares that no source constraint had
 * (by the properties' source names): objects older peers make may clash.
 * A constraint naming a property older peers lack is left out: they leave
 * it unset, and NULLs never clash. */
static void
lint_constraints (const GodwitEntityChange *change,
                  GPtrArray                *findings)
{
  GodwitEntity *to = change->destination;
  g_autoptr(GPtrArray) old_constraints = dup_constraints (change->source);

  for (guint i = 0; i < to->uniqueness_constraints->len; i++)
    {
      GStrv constraint = g_ptr_array_index (to->uniqueness_constraints, i);
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      g_autoptr(GString) joined = g_string_new (NULL);
      gboolean known = TRUE;
      gboolean existed = FALSE;

      for (guint j = 0; known && constraint[j] != NULL; j++)
        {
          const char *name = NULL;

          for (guint k = 0; k < change->properties->len; k++)
            {
              const GodwitPropertyChange *property = g_ptr_array_index (change->properties, k);

              if (property->source != NULL && property->destination != NULL &&
                  strcmp (property->destination->name, constraint[j]) == 0)
                name = property->source->name;
            }
          known = name != NULL;
          if (known)
            {
              g_ptr_array_add (names, (gpointer) name);
              g_string_append_printf (joined, "%s%s", j > 0 ? ", " : "", name);
            }
        }

      for (guint j = 0; known && !existed && j < old_constraints->len; j++)
        existed = same_names (g_ptr_array_index (old_constraints, j), names);

      if (known && !existed && names->len > 0)
        add_finding (findings, GODWIT_SYNC_LINT_UNIQUENESS_CONSTRAINT_ADDED, GODWIT_SYNC_LINT_WARNING,
                     change->source->name, joined->str,
                     _("%s gains a uniqueness constraint on %s: older peers may make objects that share "
                       "these values, and such documents are refused on pull"),
                     change->source->name, joined->str);
    }
}

static const GodwitPropertyChange *
find_property_change (const GodwitEntityChange *change,
                      const GodwitProperty     *source)
{
  for (guint i = 0; i < change->properties->len; i++)
    {
      const GodwitPropertyChange *property = g_ptr_array_index (change->properties, i);

      if (property->source == source)
        return property;
    }

  return NULL;
}

/* Relationships whose destination, for older peers, takes objects of
 * @change's entity and no longer does, or the other way round, because
 * the entity moves in the hierarchy: links are typed by their
 * destination's hierarchy. */
static void
lint_hierarchy (Lint                     *lint,
                const GodwitEntityChange *change,
                GPtrArray                *findings)
{
  GodwitModel *source = godwit_model_diff_get_source (lint->diff);
  GodwitModel *destination = godwit_model_diff_get_destination (lint->diff);
  GPtrArray *entities = godwit_model_get_entities (source);
  GodwitEntity *from = change->source;
  GodwitEntity *to = change->destination;

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *owner = g_ptr_array_index (entities, i);
      const GodwitEntityChange *owner_change = godwit_model_diff_find_source_entity (lint->diff, owner->name);

      if (owner_change == NULL || loses_documents (owner_change) || owner_change->destination == NULL ||
          !has_documents (owner))
        continue;

      for (guint j = 0; j < owner->properties->len; j++)
        {
          GodwitProperty *relationship = g_ptr_array_index (owner->properties, j);
          const GodwitPropertyChange *property;
          GodwitEntity *old_target;
          GodwitEntity *new_target;
          gboolean was_kind;
          gboolean is_kind;

          if (relationship->kind != GODWIT_PROPERTY_KIND_RELATIONSHIP || !godwit_property_is_stored (relationship))
            continue;

          /* Otherwise its own finding says the links change. */
          property = find_property_change (owner_change, relationship);
          if (property == NULL || property->destination == NULL ||
              property->destination->kind != GODWIT_PROPERTY_KIND_RELATIONSHIP ||
              !godwit_property_is_stored (property->destination) ||
              (property->changes & (GODWIT_PROPERTY_CHANGE_DESTINATION | GODWIT_PROPERTY_CHANGE_RENAMED)))
            continue;

          old_target = godwit_model_get_entity (source, relationship->destination_entity);
          new_target = godwit_model_get_entity (destination, property->destination->destination_entity);
          if (old_target == NULL || new_target == NULL)
            continue;

          was_kind = godwit_entity_is_kind_of (from, old_target);
          is_kind = godwit_entity_is_kind_of (to, new_target);
          if (was_kind && !is_kind)
            add_finding (findings, GODWIT_SYNC_LINT_HIERARCHY_CHANGED, GODWIT_SYNC_LINT_WARNING,
                         owner->name, relationship->name,
                         _("Older peers may link “%s.%s” to %s objects, a kind of %s for them; after this "
                           "step %s is not, so such links are refused on pull"),
                         owner->name, relationship->name, from->name, old_target->name, from->name);
          else if (!was_kind && is_kind)
            add_finding (findings, GODWIT_SYNC_LINT_HIERARCHY_CHANGED, GODWIT_SYNC_LINT_WARNING,
                         owner->name, relationship->name,
                         _("This store may link “%s.%s” to %s objects, a kind of %s after this step; older "
                           "peers, for whom %s is not, refuse such links"),
                         owner->name, relationship->name, from->name, new_target->name, from->name);
        }
    }
}

/* The findings of one entity change, in order: the entity's own, its
 * properties', the links its hierarchy types. */
static GPtrArray *
lint_change (Lint                     *lint,
             const GodwitEntityChange *change)
{
  GPtrArray *findings = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_sync_lint_finding_free);

  /* Older peers have no documents of an added entity; a removed one's
   * properties are its sub-entities' to report. */
  if (change->source == NULL || lint_entity (change, findings) || change->destination == NULL ||
      !has_documents (change->source))
    return findings;

  for (guint i = 0; i < change->properties->len; i++)
    {
      const GodwitPropertyChange *property = g_ptr_array_index (change->properties, i);

      if (property->kind != GODWIT_CHANGE_UNCHANGED && claim_property (lint, property))
        lint_property (property, change->source->name, findings);
    }

  lint_constraints (change, findings);
  if (!change->source->abstract)
    lint_hierarchy (lint, change, findings);

  return findings;
}

static int
compare_depth (gconstpointer a,
               gconstpointer b)
{
  const GodwitEntityChange *x = *(const GodwitEntityChange **) a;
  const GodwitEntityChange *y = *(const GodwitEntityChange **) b;
  guint dx = x->source != NULL ? depth (x->source) : 0;
  guint dy = y->source != NULL ? depth (y->source) : 0;

  return dx < dy ? -1 : dx > dy;
}

/**
 * godwit_sync_lint_diff:
 * @diff: a migration step's schema changes
 *
 * Lints the step for peers of a synced store that still run its source
 * version: what they send that the migrated store drops or refuses, and
 * what it sends that they cannot read.
 *
 * Returns: (transfer full) (element-type GodwitSyncLintFinding): the
 *   findings, entity by entity in the diff's order; empty when the step
 *   is compatible
 */
GPtrArray *
godwit_sync_lint_diff (GodwitModelDiff *diff)
{
  g_autoptr(GHashTable) reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) by_change = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) ordered = NULL;
  GPtrArray *changes;
  GPtrArray *findings;
  Lint lint = { diff, reported };

  g_return_val_if_fail (GODWIT_IS_MODEL_DIFF (diff), NULL);

  changes = godwit_model_diff_get_entity_changes (diff);
  findings = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_sync_lint_finding_free);

  /* Parents first, so that each property change is claimed where it is
   * highest in the hierarchy (the sort is stable); the findings still
   * follow the diff's order. */
  ordered = g_ptr_array_sized_new (changes->len);
  for (guint i = 0; i < changes->len; i++)
    g_ptr_array_add (ordered, g_ptr_array_index (changes, i));
  g_ptr_array_sort (ordered, compare_depth);
  for (guint i = 0; i < ordered->len; i++)
    {
      const GodwitEntityChange *change = g_ptr_array_index (ordered, i);

      g_hash_table_insert (by_change, (gpointer) change, lint_change (&lint, change));
    }

  for (guint i = 0; i < changes->len; i++)
    {
      GPtrArray *own = g_hash_table_lookup (by_change, g_ptr_array_index (changes, i));

      /* Moved, not copied. */
      g_ptr_array_set_free_func (own, NULL);
      for (guint j = 0; j < own->len; j++)
        g_ptr_array_add (findings, g_ptr_array_index (own, j));
    }

  return findings;
}

/**
 * godwit_sync_lint_breaks_sync:
 * @findings: (element-type GodwitSyncLintFinding)
 *
 * Whether any of @findings breaks sync with older peers.
 */
gboolean
godwit_sync_lint_breaks_sync (GPtrArray *findings)
{
  g_return_val_if_fail (findings != NULL, FALSE);

  for (guint i = 0; i < findings->len; i++)
    {
      const GodwitSyncLintFinding *finding = g_ptr_array_index (findings, i);

      if (finding->severity == GODWIT_SYNC_LINT_BREAKS_SYNC)
        return TRUE;
    }

  return FALSE;
}
