/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The player states of one session (fullscreen, mute, ...): which are
 * active, the names the service takes, at most ten distinct ones, and the
 * statesStart/statesEnd lists an update sends. Part of the tracker. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mediaedge-states.h"
#include "mediaedge-tracker.h"
#include "mediaedge-xdm.h"

struct _MediaEdgeStates
{
  /* state name → whether it is active now */
  GHashTable *known;
};

MediaEdgeStates *
media_edge_states_new (void)
{
  MediaEdgeStates *states = g_new0 (MediaEdgeStates, 1);

  states->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  return states;
}

void
media_edge_states_free (MediaEdgeStates * states)
{
  if (states == NULL)
    return;

  g_hash_table_unref (states->known);
  g_free (states);
}

/* A new session knows no states. */
void
media_edge_states_clear (MediaEdgeStates * states)
{
  g_hash_table_remove_all (states->known);
}

static gboolean
is_active (MediaEdgeStates * states, const gchar * name)
{
  gpointer active = NULL;

  return g_hash_table_lookup_extended (states->known, name, NULL, &active)
      && GPOINTER_TO_INT (active);
}

static gboolean
check_update (MediaEdgeStates * states, GVariant * update, GError ** error)
{
  guint distinct = g_hash_table_size (states->known);
  GVariantIter iter;
  const gchar *name;
  gboolean active;

  g_variant_iter_init (&iter, update);
  while (g_variant_iter_next (&iter, "{&sb}", &name, &active)) {
    if (!media_edge_xdm_is_state_name (name)) {
      g_set_error (error, MEDIA_EDGE_TRACKER_ERROR,
          MEDIA_EDGE_TRACKER_ERROR_BAD_STATE, "player state name '%s' does "
          "not match ^[a-zA-Z0-9_.]{1,64}$", name);
      return FALSE;
    }
    if (active && !g_hash_table_contains (states->known, name))
      distinct++;
  }
  if (distinct > MEDIA_EDGE_MAX_STATES) {
    g_set_error (error, MEDIA_EDGE_TRACKER_ERROR,
        MEDIA_EDGE_TRACKER_ERROR_TOO_MANY_STATES, "a session tracks at most "
        "%d distinct player states", MEDIA_EDGE_MAX_STATES);
    return FALSE;
  }

  return TRUE;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* `aa{sv}`: [{name}, ...], sorted by name */
static GVariant *
state_list (GPtrArray * names)
{
  GVariantBuilder list;

  g_ptr_array_sort (names, compare_names);
  g_variant_builder_init (&list, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < names->len; i++) {
    GVariantDict item;

    g_variant_dict_init (&item, NULL);
    g_variant_dict_insert (&item, "name", "s", g_ptr_array_index (names, i));
    g_variant_builder_add_value (&list, g_variant_dict_end (&item));
  }

  return g_variant_builder_end (&list);
}

/* statesUpdate's details, or NULL when both lists are empty */
static GVariant *
describe_lists (GPtrArray * started, GPtrArray * ended)
{
  GVariantDict details;

  if (started->len == 0 && ended->len == 0)
    return NULL;

  g_variant_dict_init (&details, NULL);
  if (started->len)
    g_variant_dict_insert_value (&details, "statesStart", state_list (started));
  if (ended->len)
    g_variant_dict_insert_value (&details, "statesEnd", state_list (ended));

  return g_variant_ref_sink (g_variant_dict_end (&details));
}

/**
 * media_edge_states_update:
 * @update: `a{sb}`: state name → whether it is active
 *
 * Applies @update, unless it is refused (a bad name, an 11th state), which
 * changes nothing.
 *
 * Returns: (transfer full) (nullable): the details of the statesUpdate to
 * send, %NULL with @error unset when nothing changed
 */
GVariant *
media_edge_states_update (MediaEdgeStates * states, GVariant * update,
    GError ** error)
{
  g_autoptr (GPtrArray) started = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) ended = g_ptr_array_new_with_free_func (g_free);
  GVariantIter iter;
  const gchar *name;
  gboolean active;

  if (!check_update (states, update, error))
    return NULL;

  g_variant_iter_init (&iter, update);
  while (g_variant_iter_next (&iter, "{&sb}", &name, &active)) {
    if (active == is_active (states, name))
      continue;
    g_hash_table_insert (states->known, g_strdup (name),
        GINT_TO_POINTER (active));
    g_ptr_array_add (active ? started : ended, g_strdup (name));
  }

  return describe_lists (started, ended);
}

/**
 * media_edge_states_describe_active:
 *
 * Returns: (transfer full) (nullable): statesUpdate details that start
 * every active state, to resume a session with; %NULL when none is
 */
GVariant *
media_edge_states_describe_active (MediaEdgeStates * states)
{
  g_autoptr (GPtrArray) active = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) none = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer name, on;

  g_hash_table_iter_init (&iter, states->known);
  while (g_hash_table_iter_next (&iter, &name, &on))
    if (GPOINTER_TO_INT (on))
      g_ptr_array_add (active, g_strdup (name));

  return describe_lists (active, none);
}
