import { Eta } from 'eta'

/** Renders eta views by name; `layout` wraps the page unless a fragment is asked for. */
export interface Renderer {
  render(template: string, data: Record<string, unknown>): string
}

/** Creates the view renderer over `viewsDir`; templates are cached unless `watch` is set. */
export function createRenderer(viewsDir: string, options: { watch?: boolean } = {}): Renderer {
  // autoEscape: `<%=` escapes everything; `<%~` is reserved for include() and layout bodies.
  const eta = new Eta({ views: viewsDir, cache: !options.watch, autoEscape: true, autoTrim: false })
  return {
    render(template, data) {
      return eta.render(template, data)
    },
  }
}
