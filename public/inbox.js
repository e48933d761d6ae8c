// The inbox's only script (the CSP allows no inline script): Enter sends a reply, and the
// thread keeps its newest message in view unless the agent scrolled up to read older ones.
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

  document.addEventListener('DOMContentLoaded', showNewest)
})()
