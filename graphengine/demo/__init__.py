"""The demo: generated source files with planted structure, loaded through the real loaders."""

from graphengine.demo.generator import DEMO_FILES, DemoSpec, generate_demo
from graphengine.demo.runner import load_demo

__all__ = ["DEMO_FILES", "DemoSpec", "generate_demo", "load_demo"]
