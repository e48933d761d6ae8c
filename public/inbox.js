// The inbox's only script (the CSP allows no inline script): Enter sends a reply, the thread
// keeps its newest message in view unless the agent scrolled up to read older ones, and a live
// stream that could not connect is started again.
;(function () {
  var stickToBottom = true
  var refocusReply = false

  function thread() {
    return document.getElementById('thread')
  }

  function atBottom(element) {
    return element.scrollHeight - element.scrollTop - element.clientHeight < 48
  }

  function showNewest() {
    var element = thread()
    if (element && stickToBottom) element.scrollTop = element.scrollHeight
  }

  document.addEventListener('keydown', function (event) {
    var field = event.target
    if (!(field instanceof HTMLTextAreaElement)) return
    if (!field.form || !field.form.hasAttribute('data-enter-sends')) return
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return
    event.preventDefault()
    if (field.value.trim() !== '') field.form.requestSubmit()
  })

  document.addEventListener('submit', function (event) {
    refocusReply =
      event.target instanceof HTMLFormElement && event.target.hasAttribute('data-enter-sends')
    stickToBottom = true
  })

  document.addEventListener(
    'scroll',
    function (event) {
      if (event.target === thread()) stickToBottom = atBottom(event.target)
    },
    true,
  )

  document.addEventListener('htmx:after:swap', function () {
    showNewest()
    var reply = document.getElementById('reply-text')
    if (refocusReply && reply) {
      reply.focus()
      refocusReply = false
    }
  })

  // htmx's SSE extension retries a stream that dropped, but not one whose first connection
  // failed (say, the server restarting as the page loaded): start that one again a little later.
  document.addEventListener('htmx:error', function (event) {
    var live = event.target
    if (!(live instanceof HTMLElement) || live.id !== 'live') return
    window.setTimeout(function () {
      if (!live.isConnected) return
      var fresh = live.cloneNode(false)
      live.replaceWith(fresh)
      window.htmx.process(fresh)
    }, 5000)
  })

  document.addEventListener('DOMContentLoaded', showNewest)
})()
