#!/usr/bin/python3
# gst-mediaedge
# Copyright (C) 2026 gst-mediaedge contributors
#
# This library is free software; you can redistribute it and/or
# modify it under the terms of the GNU Library General Public
# License as published by the Free Software Foundation; either
# version 2.1 of the License, or (at your option) any later version.

"""Writes the plugin's documentation cache, gst_plugins_cache.json, from
the built plugin, in the shape GStreamer's gst-hotdoc-plugins-scanner and
gst-plugins-doc-cache-generator.py give it (hotdoc is not packaged in
Debian 12).

    plugins-cache.py PLUGIN.so CACHE.json           write CACHE.json
    plugins-cache.py --check PLUGIN.so CACHE.json   fail if it differs

The element factory's metadata, pad templates, properties (type, default,
range, flags, blurb, enum and flags values) and signals (argument and
return types) are read from the plugin itself, through GObject
introspection, as the scanner reads them in C.
"""

import argparse
import difflib
import json
import os
import re
import sys
import tempfile

# Only the plugin named on the command line, in a registry of our own: the
# cache must not depend on what else this machine has installed.
os.environ["GST_PLUGIN_SYSTEM_PATH_1_0"] = ""
os.environ["GST_PLUGIN_PATH_1_0"] = ""
os.environ["GST_PLUGIN_SYSTEM_PATH"] = ""
os.environ["GST_PLUGIN_PATH"] = ""

import gi  # noqa: E402

gi.require_version("Gst", "1.0")
from gi import _gi  # noqa: E402
from gi.repository import GObject, Gst  # noqa: E402

RANKS = [(Gst.Rank.NONE, "none"), (Gst.Rank.MARGINAL, "marginal"),
         (Gst.Rank.SECONDARY, "secondary"), (Gst.Rank.PRIMARY, "primary")]


def rank_name(rank):
    """As the scanner names ranks: "primary", or "primary + 1"."""
    best_value, best_name = RANKS[0]
    for value, name in RANKS:
        if rank == value:
            return name
        if abs(rank - value) < abs(rank - best_value):
            best_value, best_name = value, name
    sign = "+" if rank > best_value else "-"
    return f"{best_name} {sign} {abs(best_value - rank)}"


def escaped(text):
    """The scanner's json_strescape doubles each '%' of the strings it
    writes (blurbs, defaults, metadata, caps, pad template names)."""
    return None if text is None else text.replace("%", "%%")


def c_int(value):
    """The scanner prints guint values with %d: G_MAXUINT reads "-1"."""
    return str(value - (1 << 32) if value >= 1 << 31 else value)


def enum_class(gtype):
    """The Python class of an enum or flags type: PyGObject makes it on
    demand (gi._gi, as it does itself) for types no typelib describes."""
    if gtype.pytype is not None:
        return gtype.pytype
    if GObject.type_fundamental(gtype) == GObject.TYPE_ENUM:
        return _gi.enum_add(gtype)
    return _gi.flags_add(gtype)


def enum_values(gtype):
    """(value, nick, name) of each member, by value."""
    members = enum_class(gtype).__enum_values__
    return [(value, members[value].value_nick, members[value].value_name)
            for value in sorted(members)]


def flags_values(gtype):
    members = enum_class(gtype).__flags_values__
    return [(value, members[value].first_value_nick,
             members[value].first_value_name) for value in sorted(members)]


def flags_text(gtype, flags):
    """Flags as the scanner writes them: a nick, or nicks joined by +."""
    values = flags_values(gtype)
    for value, nick, _ in values:
        if value == flags:
            return nick
    names = []
    left = flags
    for value, nick, _ in reversed(values):
        if value and left & value == value:
            names.append(nick)
            left -= value
            if not left:
                break
    return "+".join(names) if names else "(none)"


def caps_text(caps):
    """Caps as the scanner writes them: one "name:" line per structure, then
    one line per field, its name right-aligned in 15 columns."""
    if caps.is_any():
        return "ANY"
    if caps.is_empty():
        return "EMPTY"
    text = ""
    for i in range(caps.get_size()):
        structure = caps.get_structure(i)
        features = caps.get_features(i)
        if features and (features.is_any() or not features.is_equal(
                Gst.CapsFeatures.from_string(
                    Gst.CAPS_FEATURE_MEMORY_SYSTEM_MEMORY))):
            text += "%s%s(%s):\n" % ("\n" if i else "", structure.get_name(),
                                     features.to_string())
        else:
            text += "%s:\n" % structure.get_name()
        for n in range(structure.n_fields()):
            field = structure.nth_field_name(n)
            value = Gst.value_serialize(structure.get_value(field))
            if field in ("format", "rate"):
                value = value.replace("(string)", "").replace("(rate)", "")
            text += "%15s: %s\n" % (field, value)
    return text


def mutable(flags):
    if flags & Gst.PARAM_MUTABLE_PLAYING:
        return "playing"
    if flags & Gst.PARAM_MUTABLE_PAUSED:
        return "paused"
    if flags & Gst.PARAM_MUTABLE_READY:
        return "ready"
    return "null"


def property_entry(element, pspec, other_types):
    flags = int(pspec.flags)
    type_name = pspec.value_type.name
    entry = {
        "blurb": escaped(pspec.blurb),
        "conditionally-available":
            bool(flags & Gst.PARAM_CONDITIONALLY_AVAILABLE),
        "construct": bool(flags & GObject.ParamFlags.CONSTRUCT),
        "construct-only": bool(flags & GObject.ParamFlags.CONSTRUCT_ONLY),
        "controllable": bool(flags & Gst.PARAM_CONTROLLABLE),
        "mutable": mutable(flags),
        "readable": bool(flags & GObject.ParamFlags.READABLE),
        "type": type_name,
        "writable": bool(flags & GObject.ParamFlags.WRITABLE),
    }

    # the instance's value where it can be read, else the default
    if flags & GObject.ParamFlags.READABLE \
            and not flags & Gst.PARAM_DOC_SHOW_DEFAULT:
        value = element.get_property(pspec.name)
    else:
        value = pspec.default_value

    fundamental = GObject.type_fundamental(pspec.value_type)
    if fundamental == GObject.TYPE_STRING:
        entry["default"] = "NULL" if value is None else escaped(value)
    elif fundamental == GObject.TYPE_BOOLEAN:
        entry["default"] = "true" if value else "false"
    elif fundamental == GObject.TYPE_UINT:
        entry.update(default=c_int(value), min=c_int(pspec.minimum),
                     max=c_int(pspec.maximum))
    elif fundamental == GObject.TYPE_INT64:
        # the scanner prints the default with G_GUINT64_FORMAT
        entry.update(default=str(value % (1 << 64)), min=str(pspec.minimum),
                     max=str(pspec.maximum))
    elif fundamental in (GObject.TYPE_INT, GObject.TYPE_UINT64,
                         GObject.TYPE_LONG, GObject.TYPE_ULONG):
        entry.update(default=str(value), min=str(pspec.minimum),
                     max=str(pspec.maximum))
    elif fundamental in (GObject.TYPE_FLOAT, GObject.TYPE_DOUBLE):
        entry.update(default="%g" % value, min="%g" % pspec.minimum,
                     max="%g" % pspec.maximum)
    elif pspec.value_type in (Gst.Caps.__gtype__, Gst.Structure.__gtype__):
        if value is not None:
            entry["default"] = escaped(value.to_string())
    elif fundamental == GObject.TYPE_ENUM:
        nick = ""
        for number, value_nick, _ in enum_values(pspec.value_type):
            if number == int(value):
                nick = escaped(value_nick)
        entry["default"] = "%s (%d)" % (nick, int(value))
    elif fundamental == GObject.TYPE_FLAGS:
        entry["default"] = flags_text(pspec.value_type, int(value))
    add_other_type(pspec.value_type, other_types)
    return entry


def add_other_type(gtype, other_types):
    """Enums and flags the plugin marks as its API, described once."""
    if gtype.name in other_types:
        return
    is_api, api_flags = Gst.type_is_plugin_api(gtype)
    if not is_api:
        return
    if GObject.type_fundamental(gtype) == GObject.TYPE_ENUM:
        if api_flags & Gst.PluginAPIFlags.MEMBERS:
            other_types[gtype.name] = {"ignore-enum-members": True,
                                       "kind": "enum"}
            return
        other_types[gtype.name] = {"kind": "enum", "values": [
            {"desc": escaped(name), "name": escaped(nick),
             "value": str(value)}
            for value, nick, name in enum_values(gtype)]}
    elif GObject.type_fundamental(gtype) == GObject.TYPE_FLAGS:
        other_types[gtype.name] = {"kind": "flags", "values": [
            {"desc": escaped(name), "name": escaped(nick),
             "value": "0x%08x" % value}
            for value, nick, name in flags_values(gtype)]}


def signal_entry(query, other_types):
    for gtype in list(query.param_types) + [query.return_type]:
        add_other_type(gtype, other_types)
    flags = int(query.signal_flags)
    entry = {
        "args": [{"name": "arg%u" % i, "type": gtype.name}
                 for i, gtype in enumerate(query.param_types)],
        "return-type": query.return_type.name,
    }
    if flags & GObject.SignalFlags.RUN_FIRST:
        entry["when"] = "first"
    elif flags & GObject.SignalFlags.RUN_LAST:
        entry["when"] = "last"
    elif flags & GObject.SignalFlags.RUN_CLEANUP:
        entry["when"] = "cleanup"
    for flag, key in ((GObject.SignalFlags.NO_RECURSE, "no-recurse"),
                      (GObject.SignalFlags.DETAILED, "detailed"),
                      (GObject.SignalFlags.ACTION, "action"),
                      (GObject.SignalFlags.NO_HOOKS, "no-hooks")):
        if flags & flag:
            entry[key] = True
    return entry


def element_entry(factory, other_types):
    element = factory.create(None)
    if element is None:
        sys.exit(f"could not make {factory.get_name()}")
    gtype = element.__gtype__

    entry = {"rank": rank_name(factory.get_rank())}
    for key in factory.get_metadata_keys():
        entry[key] = escaped(factory.get_metadata(key))

    hierarchy = []
    parent = gtype
    while parent.name is not None:
        hierarchy.append(parent.name)
        if parent == GObject.TYPE_OBJECT:
            break
        parent = parent.parent
    entry["hierarchy"] = hierarchy
    interfaces = [iface.name for iface in gtype.interfaces]
    if interfaces:
        entry["interfaces"] = interfaces

    properties = {}
    for pspec in GObject.list_properties(gtype):
        if pspec.owner_type == gtype:
            properties[pspec.name] = property_entry(element, pspec,
                                                    other_types)
    if properties:
        entry["properties"] = properties

    signals = {}
    for signal_id in GObject.signal_list_ids(gtype):
        query = GObject.signal_query(signal_id)
        signals[query.signal_name] = signal_entry(query, other_types)
    if signals:
        entry["signals"] = signals

    templates = {}
    for static in factory.get_static_pad_templates():
        template = element.get_pad_template(static.name_template)
        pad = {
            "caps": escaped(caps_text(template.get_documentation_caps())),
            "direction": {Gst.PadDirection.SRC: "src",
                          Gst.PadDirection.SINK: "sink"}.get(
                              static.direction, "unknown"),
            "presence": {Gst.PadPresence.ALWAYS: "always",
                         Gst.PadPresence.SOMETIMES: "sometimes",
                         Gst.PadPresence.REQUEST: "request"}.get(
                             static.presence, "unknown"),
        }
        pad_type = template.props.gtype
        if pad_type not in (GObject.TYPE_NONE, Gst.Pad.__gtype__):
            pad["type"] = pad_type.name
        templates[escaped(static.name_template)] = pad
    if templates:
        entry["pad-templates"] = templates

    return entry


def plugin_cache(path):
    plugin = Gst.Plugin.load_file(path)
    name = plugin.get_name()
    basename = os.path.basename(path).split(".", 1)[0]
    other_types = {}
    elements = {}
    tracers = {}
    registry = Gst.Registry.get()
    for feature in registry.get_feature_list_by_plugin(name):
        if isinstance(feature, Gst.ElementFactory):
            if feature.get_skip_documentation():
                continue
            elements[feature.get_name()] = element_entry(feature, other_types)
        elif isinstance(feature, Gst.TracerFactory):
            tracers[feature.get_name()] = {}
    return {name: {
        "description": plugin.get_description(),
        "elements": elements,
        "filename": basename[3:] if basename.startswith("lib") else basename,
        "license": plugin.get_license(),
        "other-types": other_types,
        # as the generator writes it, without a build's own suffix
        "package": re.sub(" git$| source release$| prerelease$", "",
                          plugin.get_package()),
        "source": plugin.get_source(),
        "tracers": tracers,
        "url": plugin.get_origin(),
    }}


def dump(cache):
    """As gst-plugins-doc-cache-generator.py writes it, with a final
    newline."""
    return json.dumps(cache, indent=4, sort_keys=True,
                      ensure_ascii=False) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with CACHE instead of writing it")
    parser.add_argument("plugin", help="the built plugin (.so)")
    parser.add_argument("cache", help="gst_plugins_cache.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        os.environ["GST_REGISTRY"] = os.path.join(scratch, "registry.bin")
        Gst.init(None)
        text = dump(plugin_cache(os.path.abspath(args.plugin)))

    if not args.check:
        with open(args.cache, "w", encoding="utf8", newline="\n") as f:
            f.write(text)
        return 0

    try:
        with open(args.cache, encoding="utf8") as f:
            current = f.read()
    except FileNotFoundError:
        current = ""
    if current == text:
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        current.splitlines(True), text.splitlines(True),
        args.cache, "built plugin"))
    print(f"\n{args.cache} is out of date: run\n"
          f"  docs/plugins-cache.py {args.plugin} {args.cache}",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
